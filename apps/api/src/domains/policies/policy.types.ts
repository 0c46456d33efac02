import {
  withSourceLimit,
  ZManagementCommandSchema,
  ZPolicyKind,
  ZPolicyRuleSpec,
  ZTags,
} from "@aios/contracts";
import { z } from "zod";

const ZJsonObject = z.record(z.string(), z.unknown());

export const ZCreatePolicyRequest = z.object({ values: ZPolicyRuleSpec });

export const ZCreateVersionRequest = z.object({
  policyRuleURI: z.string().min(1),
  version: z.string().min(1),
  releaseTag: z.string().optional(),
  code: withSourceLimit(z.string().min(1)).optional(),
  description: z.string().optional(),
  tags: ZTags.optional(),
  policySettings: ZJsonObject.optional(),
  policyParameters: ZJsonObject.optional(),
  /** New schemas replace the old version's; the defaults are checked against the result. */
  policySettingsSchema: ZJsonObject.optional(),
  policyParametersSchema: ZJsonObject.optional(),
  managementCommandsSchema: z.array(ZManagementCommandSchema).optional(),
});

export const ZExecuteRequest = z
  .object({
    policyRuleURI: z.string().min(1),
    input: z.unknown(),
    settings: ZJsonObject.optional(),
    parameters: ZJsonObject.optional(),
    /** Run it on this deployed executor (`executors.list`) instead of the API's own. */
    executorId: z.string().min(1).optional(),
    /** Run it on the least loaded healthy executor of this group. */
    executorGroup: z.string().min(1).optional(),
  })
  .refine((r) => r.executorId === undefined || r.executorGroup === undefined, {
    path: ["executorGroup"],
    message: "give an executorId or an executorGroup, not both",
  });

export const ZDryRunRequest = z
  .object({
    code: withSourceLimit(z.string().min(1)).optional(),
    policyRuleURI: z.string().min(1).optional(),
    kind: ZPolicyKind.optional(),
    input: z.unknown(),
    settings: ZJsonObject.optional(),
    parameters: ZJsonObject.optional(),
  })
  .refine((r) => r.code !== undefined || r.policyRuleURI !== undefined, {
    path: ["code"],
    message: "give the policy's code or a policyRuleURI",
  });

export const ZSubmitJobRequest = z.object({
  policyRuleURI: z.string().min(1),
  clusterId: z.string().min(1),
  input: z.unknown(),
  name: z.string().min(1).max(200).optional(),
  settings: ZJsonObject.optional(),
  parameters: ZJsonObject.optional(),
});
