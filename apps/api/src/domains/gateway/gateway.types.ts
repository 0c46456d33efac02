import { PRE_CHECK_ACTIONS, ZPolicyLogEntry } from "@aios/contracts";
import { z } from "zod";

// `action` is any string here: the service refuses an unknown one naming the field and the actions.
export const ZSetPreCheckPolicyRequest = z.object({
  action: z.string().min(1),
  /** A preCheck policy's URI; "" removes the entry. */
  policyRuleURI: z.string(),
  /** Set it in this cluster's `config.actionsPolicyMap`; absent: the network's map. */
  clusterId: z.string().min(1).optional(),
});

export const ZSetPreCheckPolicyResponse = z.object({
  action: z.string(),
  policyRuleURI: z.string().nullable(),
  clusterId: z.string().nullable(),
});

export const ZPreCheckPoliciesResponse = z.object({
  actions: z.array(z.enum(PRE_CHECK_ACTIONS)),
  network: z.array(z.object({ action: z.string(), policyRuleURI: z.string(), updatedAt: z.string() })),
  clusters: z.array(z.object({ clusterId: z.string(), actionsPolicyMap: z.record(z.string(), z.string()) })),
});

export const ZPreCheckDryRunRequest = z.object({
  action: z.string().min(1),
  /** The existing cluster the action concerns (its own map comes first). */
  clusterId: z.string().min(1).optional(),
  /** The action's pre-check input (packages/contracts pre-check.ts), with or without `action`. */
  input: z.record(z.string(), z.unknown()),
});

export const ZPreCheckDecision = z.object({
  action: z.enum(PRE_CHECK_ACTIONS),
  allowed: z.boolean(),
  policyRuleURI: z.string().nullable(),
  source: z.enum(["cluster", "network"]).nullable(),
  reason: z.string().optional(),
  modified: z.boolean(),
  input: z.record(z.string(), z.unknown()),
  logs: z.array(ZPolicyLogEntry),
});
