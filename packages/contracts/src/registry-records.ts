import { z } from "zod";
import { ZGpuRecord } from "./records";

/**
 * Records of the registries kept without a spec document of their own (GPUs, vDAG controllers,
 * tasks, audit events, API tokens), as the API's list/get/search return them. Dates are ISO-8601.
 */
const ZIsoDate = z.iso.datetime({ offset: true });

/** A GPU with the node (and cluster) it is in: `key` is `<nodeId>/<index>`. */
export const ZNodeGpuRecord = ZGpuRecord.extend({
  key: z.string(),
  nodeId: z.string(),
  clusterId: z.string(),
});
export type TNodeGpuRecord = z.infer<typeof ZNodeGpuRecord>;

export const ZVdagControllerRecord = z.object({
  id: z.string(),
  vdagURI: z.string(),
  clusterId: z.string().nullable(),
  status: z.string(),
  url: z.string().nullable(),
  /** Which revision of the controller's desired state the agent must run. */
  revision: z.number().int(),
  createdAt: ZIsoDate,
  updatedAt: ZIsoDate,
});
export type TVdagControllerRecord = z.infer<typeof ZVdagControllerRecord>;

/** A request to a vDAG (`vdag.infer`, with its trace) or a quality verdict (`vdag.quality`). */
export const ZTaskRecord = z.object({
  id: z.string(),
  kind: z.string(),
  status: z.string(),
  targetType: z.string().nullable(),
  targetId: z.string().nullable(),
  input: z.unknown(),
  result: z.unknown(),
  error: z.unknown(),
  trace: z.array(z.unknown()),
  createdAt: ZIsoDate,
  updatedAt: ZIsoDate,
  finishedAt: ZIsoDate.nullable(),
});
export type TTaskRecord = z.infer<typeof ZTaskRecord>;

/** How an audited call ended: done, refused (no token, a role too low, a policy's denial, a rate limit), or failed. */
export const AUDIT_OUTCOMES = ["ok", "refused", "failed"] as const;
export const ZAuditOutcome = z.enum(AUDIT_OUTCOMES);
export type TAuditOutcome = z.infer<typeof ZAuditOutcome>;

export const ZAuditEventRecord = z.object({
  /** The event's sequence number, as a decimal string (it is a 64-bit integer). */
  id: z.string(),
  /** `<role>:<token id>`, `<role>:open` (AIOS_AUTH=open), `system` or `anonymous`. */
  actor: z.string(),
  /** Who called: the token's role, id and name; null for an anonymous or system caller. */
  principal: z
    .object({ role: z.string(), tokenId: z.string().nullable(), name: z.string().nullable() })
    .nullable(),
  /** The procedure (`blocks.mgmt`), the data-plane call (`dataPlane.vdagInfer`) or the action taken. */
  action: z.string(),
  target: z.string().nullable(),
  outcome: ZAuditOutcome,
  /** Why it was refused or failed (the error's message); null when it went through. */
  reason: z.string().nullable(),
  input: z.unknown(),
  decision: z.unknown(),
  createdAt: ZIsoDate,
});
export type TAuditEventRecord = z.infer<typeof ZAuditEventRecord>;

/** An API token as it is listed: never the token nor its hash (shown once, when issued). */
export const ZApiTokenRecord = z.strictObject({
  id: z.string(),
  name: z.string(),
  role: z.string(),
  /** The cluster of an agent or join token. */
  scope: z.string().nullable(),
  /** A data key's scopes (`block:<id>`, `vdag:<uri or glob>`); an agent token's node (`node:<id>`). */
  scopes: z.array(z.string()),
  createdAt: ZIsoDate,
  expiresAt: ZIsoDate.nullable(),
  lastUsedAt: ZIsoDate.nullable(),
  revokedAt: ZIsoDate.nullable(),
});
export type TApiTokenRecord = z.infer<typeof ZApiTokenRecord>;

/** A token just issued: its record and the secret, shown this once (only its hash is stored). */
export const ZApiTokenIssued = ZApiTokenRecord.extend({ token: z.string() });
export type TApiTokenIssued = z.infer<typeof ZApiTokenIssued>;
