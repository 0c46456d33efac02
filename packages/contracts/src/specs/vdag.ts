import { z } from "zod";
import { ZDnsLabel } from "../ids";
import { atMost, MAX_VDAG_CONNECTIONS, MAX_VDAG_NODES, ZBoundedName } from "../limits";
import { ZQualityWebhookSpec } from "../quality-audit";
import { DOTTED_NAME_RE, RELEASE_TAG_HINT, RELEASE_TAG_RE, VERSION_HINT, VERSION_RE, ZVdagUri } from "../uri";
import { ZJsonObject, ZNonEmptyString, ZPolicyRuleRef, ZProtocolTemplate, ZTags } from "./common";
import { checkVdagStructure } from "./vdag-structure";

export const VDAG_MODES = ["create", "validateGraph", "dryRunAssignment", "dryRun"] as const;
/** The docs wrote `dry-run`; the code (and this schema) says `dryRun`. */
export const ZVdagMode = z.preprocess((v) => (v === "dry-run" ? "dryRun" : v), z.enum(VDAG_MODES));

export const ZVdagVersion = z.looseObject({
  version: z
    .string()
    .regex(VERSION_RE, { error: `must be ${VERSION_HINT}` })
    .default("0.0.1"),
  "release-tag": z
    .string()
    .regex(RELEASE_TAG_RE, { error: `must be ${RELEASE_TAG_HINT}` })
    .default("beta"),
});

const ZEnabled = z.boolean().optional();

export const ZVdagControllerSpec = z.looseObject({
  /** The cluster whose agent runs the controller; default: the cluster of the first head's block. */
  clusterId: ZDnsLabel.optional(),
  inputSources: z.unknown().optional(),
  initParameters: ZJsonObject.optional(),
  /** `stepTimeoutMs`, `retries` and `fanInTimeoutMs` of the controller's walk (see vdag-plan.ts). */
  initSettings: z
    .looseObject({
      stepTimeoutMs: z.number().int().positive().optional(),
      retries: z.number().int().min(0).max(5).optional(),
      fanInTimeoutMs: z.number().int().positive().optional(),
    })
    .optional(),
  policies: z.unknown().optional(),
  quotaChecker: z
    .looseObject({ enabled: ZEnabled, quotaCheckerPolicyRule: ZPolicyRuleRef.optional() })
    .optional(),
  healthChecker: z
    .looseObject({
      enabled: ZEnabled,
      healthCheckerPolicyRule: ZPolicyRuleRef.optional(),
      /** Seconds between full health checks (original default 60). */
      interval: z.number().positive().optional(),
      maxRetries: z.number().int().min(0).optional(),
    })
    .optional(),
  qualityChecker: z
    .looseObject({
      enabled: ZEnabled,
      qualityCheckerPolicyRule: ZPolicyRuleRef.optional(),
      /** Every N-th request goes to the quality checker (original default 100). */
      framesInterval: z.number().int().min(1).optional(),
      /** Where samples the policy routes to `webhook` are delivered (signed with the vDAG's secret). */
      webhook: ZQualityWebhookSpec.optional(),
    })
    .optional(),
});

export const NODE_LABEL_RE = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

export const ZVdagNodeValues = z
  .looseObject({
    nodeLabel: ZBoundedName().regex(NODE_LABEL_RE, {
      error: "must start with a letter or digit and contain only letters, digits, '.', '-' or '_'",
    }),
    nodeType: z.enum(["block", "vdag"]).default("block"),
    vdagURI: ZVdagUri.optional(),
    manualBlockId: ZDnsLabel.optional(),
    assignmentPolicyRule: ZPolicyRuleRef.optional(),
    preprocessingPolicyRule: ZPolicyRuleRef.optional(),
    postprocessingPolicyRule: ZPolicyRuleRef.optional(),
    modelParameters: ZJsonObject.optional(),
    inputProtocol: ZProtocolTemplate.optional(),
    outputProtocol: ZProtocolTemplate.optional(),
  })
  .superRefine((node, ctx) => {
    if (node.nodeType === "vdag" && !node.vdagURI) {
      ctx.addIssue({ code: "custom", path: ["vdagURI"], message: 'Required for nodeType "vdag"' });
    }
    if (node.nodeType === "block" && !node.manualBlockId && !node.assignmentPolicyRule) {
      ctx.addIssue({
        code: "custom",
        path: ["assignmentPolicyRule"],
        message: "Required: a block node needs manualBlockId or assignmentPolicyRule",
      });
    }
  });

export const ZVdagNode = z.looseObject({
  spec: z.looseObject({ values: ZVdagNodeValues }),
  IOMap: z.array(z.unknown()).optional(),
});

const ZNodeRef = z.looseObject({ nodeLabel: ZNonEmptyString });

export const ZVdagConnection = z.looseObject({
  /** Destination node. */
  nodeLabel: ZNonEmptyString,
  /** Source nodes feeding it. */
  inputs: z
    .array(ZNodeRef)
    .min(1)
    .max(MAX_VDAG_NODES, { error: atMost(MAX_VDAG_NODES, "inputs", "MAX_VDAG_NODES") }),
});

export const ZVdagGraph = z.looseObject({
  connections: z
    .array(ZVdagConnection)
    .max(MAX_VDAG_CONNECTIONS, { error: atMost(MAX_VDAG_CONNECTIONS, "connections", "MAX_VDAG_CONNECTIONS") })
    .default([]),
  inputs: z.unknown().optional(),
  outputs: z.unknown().optional(),
});

/** `createvDAG` values (reference §2.4). Structural checks only; acyclicity is the compiler's job. */
export const ZVdagSpec = z
  .looseObject({
    vdagName: ZBoundedName().regex(DOTTED_NAME_RE, {
      error: "must start with a letter or digit and contain only letters, digits, '.', '-' or '_'",
    }),
    vdagVersion: ZVdagVersion.prefault({}),
    discoveryTags: ZTags.optional(),
    controller: ZVdagControllerSpec.optional(),
    nodes: z
      .array(ZVdagNode)
      .min(1)
      .max(MAX_VDAG_NODES, { error: atMost(MAX_VDAG_NODES, "nodes", "MAX_VDAG_NODES") }),
    graph: ZVdagGraph.prefault({}),
    /**
     * Beyond the original: the vDAG's input and output fields as a model of the Open Inference
     * Protocol sees them (as a component's protocols). Absent: its heads' components' inputs and
     * its tails' components' outputs.
     */
    vdagInputProtocol: ZProtocolTemplate.optional(),
    vdagOutputProtocol: ZProtocolTemplate.optional(),
    mode: ZVdagMode.default("create"),
  })
  .superRefine(checkVdagStructure);
export type TVdagSpec = z.infer<typeof ZVdagSpec>;
export type TVdagNode = z.infer<typeof ZVdagNode>;
export type TVdagConnection = z.infer<typeof ZVdagConnection>;
