import { z } from "zod";
import { withSourceLimit, ZBoundedName } from "../limits";
import { policySpecIssues } from "../policy-contract";
import {
  DOTTED_NAME_RE,
  formatPolicyRuleUri,
  RELEASE_TAG_HINT,
  RELEASE_TAG_RE,
  VERSION_HINT,
  VERSION_RE,
} from "../uri";
import { ZJsonObject, ZNonEmptyString, ZTags } from "./common";

/** Policy kinds (reference §3.3); each has its own typed input and output in the policy runtime. */
export const POLICY_KINDS = [
  "loadBalancer",
  "autoscaler",
  "healthChecker",
  "clusterAllocator",
  "resourceAllocator",
  "assignment",
  "ranking",
  "blockPreProcessing",
  "blockPostProcessing",
  "vdagPreProcessing",
  "vdagPostProcessing",
  "quotaChecker",
  "qualityChecker",
  "vdagHealthChecker",
  "preCheck",
  "clusterStability",
  "event",
  "function",
  "template",
] as const;
export const ZPolicyKind = z.enum(POLICY_KINDS);
export type TPolicyKind = z.infer<typeof ZPolicyKind>;

/** The original stored tags as one comma-separated string; both forms are accepted. */
const ZPolicyTags = z.preprocess(
  (v) =>
    typeof v === "string"
      ? v
          .split(",")
          .map((t) => t.trim())
          .filter(Boolean)
      : v,
  ZTags,
);

export const ZManagementCommandSchema = z.looseObject({
  name: ZNonEmptyString,
  description: z.string().optional(),
  schema: ZJsonObject.optional(),
});

/** `createPolicy` values: a TypeScript policy module plus its schemas and defaults. */
export const ZPolicyRuleSpec = z
  .looseObject({
    name: ZBoundedName().regex(DOTTED_NAME_RE, {
      error: "must start with a letter or digit and contain only letters, digits, '.', '-' or '_'",
    }),
    version: z.string().regex(VERSION_RE, { error: `must be ${VERSION_HINT}` }),
    releaseTag: z.string().regex(RELEASE_TAG_RE, { error: `must be ${RELEASE_TAG_HINT}` }),
    kind: ZPolicyKind,
    /** TypeScript source of the module (`export default definePolicy({...})`). */
    code: withSourceLimit(ZNonEmptyString).optional(),
    /** Path of the module relative to the repository, instead of inline `code`. */
    codePath: ZNonEmptyString.optional(),
    description: z.string().optional(),
    tags: ZPolicyTags.optional(),
    metadata: ZJsonObject.optional(),
    policyInputSchema: ZJsonObject.optional(),
    policyOutputSchema: ZJsonObject.optional(),
    policySettingsSchema: ZJsonObject.optional(),
    policyParametersSchema: ZJsonObject.optional(),
    policySettings: ZJsonObject.optional(),
    policyParameters: ZJsonObject.optional(),
    managementCommandsSchema: z.array(ZManagementCommandSchema).optional(),
  })
  .superRefine((spec, ctx) => {
    if (spec.code === undefined && spec.codePath === undefined) {
      ctx.addIssue({
        code: "custom",
        path: ["code"],
        message: "Required: give code (TypeScript source) or codePath",
      });
    } else if (spec.code !== undefined && spec.codePath !== undefined) {
      ctx.addIssue({ code: "custom", path: ["codePath"], message: "give either code or codePath, not both" });
    }
    // The schemas are ones the validator enforces, and the defaults satisfy them.
    for (const issue of policySpecIssues(spec)) ctx.addIssue({ code: "custom", ...issue });
  });
export type TPolicyRuleSpec = z.infer<typeof ZPolicyRuleSpec>;

/** `<name>:<version>-<releaseTag>` of a policy spec. */
export function policyRuleUriOf(values: Pick<TPolicyRuleSpec, "name" | "version" | "releaseTag">): string {
  return formatPolicyRuleUri({ name: values.name, version: values.version, releaseTag: values.releaseTag });
}
