import { z } from "zod";
import { ZQualityRoute } from "../quality-audit";
import { TEMPLATE_IMPORT, type TPolicyKindEntry, ZReason } from "./common";
import { ZAiosPacket } from "./packet";

/** Policies of a vDAG controller: quota per request, quality sampling, vDAG health. */

// ---- quotaChecker -------------------------------------------------------------------------------

export const ZQuotaCheckerInput = z.looseObject({
  vdagURI: z.string().optional(),
  /**
   * The session the request counts against: its `session_id`, or for a request without one,
   * `anonymous:<caller>`, so that callers without a session do not share one budget (the packet's
   * own `session_id` is then `default`).
   */
  sessionId: z.string().min(1),
  /**
   * Who sent the request: `token:<API token id>` when it came through the API with a token, else
   * `address:<client address>`. Absent when the controller cannot tell.
   */
  caller: z.string().min(1).optional(),
  /** Requests of this session so far, INCLUDING this one (the first request has quota 1). */
  quota: z.number().int().min(1),
  /**
   * Request counts by session id. The controller sends this session's entry only (the original sent
   * every session, which made each request's cost grow with the number of sessions); use `total`
   * for a global limit.
   */
  quotaTable: z.record(z.string(), z.number()).optional(),
  /** Requests allowed in all sessions so far, INCLUDING this one: for a global quota. */
  total: z.number().int().min(1).optional(),
  /** The request as a packet. */
  input: ZAiosPacket,
});

export const ZQuotaCheckerOutput = z.strictObject({
  allowed: z.boolean(),
  /** Returned to the client when the request is refused. */
  reason: z.string().optional(),
});

export const QUOTA_CHECKER = {
  input: ZQuotaCheckerInput,
  output: ZQuotaCheckerOutput,
  description:
    "Run by the vDAG controller before every request: allows or refuses it given the session's request count.",
  template: `${TEMPLATE_IMPORT}

// quotaChecker: called before every vDAG request; quota counts this request too.
export default definePolicy({
  kind: "quotaChecker",
  init() {
    return {};
  },
  eval(input, { settings }) {
    const limit = typeof settings.limit === "number" ? settings.limit : 100;
    if (input.quota <= limit) return { allowed: true };
    return { allowed: false, reason: "session " + input.sessionId + " used its " + limit + " requests" };
  },
});
`,
} satisfies TPolicyKindEntry;

// ---- qualityChecker -----------------------------------------------------------------------------

export const ZQualityCheckerInput = z.looseObject({
  vdagURI: z.string().min(1),
  /** The original's `vdag_info`: the vDAG's stored document. */
  vdagInfo: z.record(z.string(), z.unknown()).optional(),
  request: ZAiosPacket,
  response: ZAiosPacket,
  /** End-to-end time of the request, ms. */
  latencyMs: z.number().optional(),
});

/** The original ignored the result; here it is recorded with the sample (return nothing to skip). */
export const ZQualityCheckerOutput = z
  .looseObject({
    passed: z.boolean().optional(),
    /** 0 (bad) .. 1 (good). */
    score: z.number().min(0).max(1).optional(),
    reason: z.string().optional(),
    /**
     * Send the sample on: `webhook` to the vDAG's `qualityChecker.webhook` (signed, retried by the
     * API), `manual` to the audit queue for a reviewer. Absent: the verdict is only recorded.
     */
    route: ZQualityRoute.optional(),
  })
  .optional();

export const QUALITY_CHECKER = {
  input: ZQualityCheckerInput,
  output: ZQualityCheckerOutput,
  description:
    "Run by the vDAG controller asynchronously on every framesInterval-th request with its response: records a quality verdict.",
  template: `${TEMPLATE_IMPORT}

// qualityChecker: sampled requests arrive here after they were answered; judge the answer.
// Add route: "manual" to send the sample to the audit queue (the console's Quality audit page),
// or route: "webhook" to post it to the vDAG's qualityChecker.webhook.
export default definePolicy({
  kind: "qualityChecker",
  init() {
    return {};
  },
  eval(input, { log }) {
    const empty = Object.keys(input.response.data).length === 0;
    if (empty) log.warn("empty response", input.request.session_id, input.request.seq_no);
    return { passed: !empty, score: empty ? 0 : 1 };
  },
});
`,
} satisfies TPolicyKindEntry;

// ---- vdagHealthChecker --------------------------------------------------------------------------

export const ZBlockHealth = z.looseObject({
  healthy: z.boolean(),
  instances: z.number().int().min(0).optional(),
  healthyInstances: z.number().int().min(0).optional(),
  /** Why the block's health could not be read. */
  error: z.string().optional(),
});

export const ZVdagHealthCheckerInput = z.looseObject({
  /** `default`: the periodic check (every `interval` s); `fast_check`: before each request. */
  mode: z.enum(["default", "fast_check"]),
  vdagURI: z.string().min(1),
  /** Health of every block of the vDAG: block id -> health. */
  healthCheckData: z.record(z.string(), ZBlockHealth),
});

/** Both modes return `overallHealthy` (the original required it only of fast_check). */
export const ZVdagHealthCheckerOutput = z.strictObject({
  overallHealthy: z.boolean(),
  unhealthyBlocks: z.array(z.string()).optional(),
  reason: ZReason.optional(),
});

export const VDAG_HEALTH_CHECKER = {
  input: ZVdagHealthCheckerInput,
  output: ZVdagHealthCheckerOutput,
  description:
    "Run by the vDAG controller periodically (default) and before each request (fast_check): says whether the vDAG can serve.",
  template: `${TEMPLATE_IMPORT}

// vdagHealthChecker: "fast_check" runs before each request, so keep it cheap.
export default definePolicy({
  kind: "vdagHealthChecker",
  init() {
    return {};
  },
  eval(input, { log }) {
    const unhealthyBlocks = Object.entries(input.healthCheckData)
      .filter(([, health]) => !health.healthy)
      .map(([blockId]) => blockId);
    return { overallHealthy: unhealthyBlocks.length === 0, unhealthyBlocks };
  },
});
`,
} satisfies TPolicyKindEntry;
