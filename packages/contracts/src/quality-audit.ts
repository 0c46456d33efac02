import { z } from "zod";

/**
 * Quality checks sent on: the qualityChecker policy's output may route a sampled
 * request to the vDAG's webhook (an external QA system, delivered by the API with retries) or to
 * the manual audit queue (a reviewer records pass or fail and a note).
 */

export const QUALITY_ROUTES = ["webhook", "manual"] as const;
export type TQualityRoute = (typeof QUALITY_ROUTES)[number];
export const ZQualityRoute = z.enum(QUALITY_ROUTES, { error: 'must be "webhook" or "manual"' });

/**
 * The largest request or response a routed sample carries, as JSON text (characters). A larger
 * one is replaced by `{truncated: true, bytes, preview}`: its size and its first
 * QUALITY_PAYLOAD_PREVIEW_CHARS characters, so that an agent's report stays under the body limit.
 */
export const QUALITY_PAYLOAD_MAX_CHARS = 32 * 1024;
export const QUALITY_PAYLOAD_PREVIEW_CHARS = 2048;

/** A request or response as it was, or what is left of one too large to carry. */
export function boundQualityPayload(value: unknown): unknown {
  const text = JSON.stringify(value) ?? "null";
  if (text.length <= QUALITY_PAYLOAD_MAX_CHARS) return value;
  return {
    truncated: true,
    bytes: new TextEncoder().encode(text).length,
    preview: text.slice(0, QUALITY_PAYLOAD_PREVIEW_CHARS),
  };
}

/** What the policy said of the sample: the original's fields. */
export const ZQualityVerdict = z.object({
  passed: z.boolean().nullable(),
  score: z.number().nullable(),
  reason: z.string().optional(),
});
export type TQualityVerdict = z.infer<typeof ZQualityVerdict>;

// ---- manual audit -------------------------------------------------------------------------------

export const QUALITY_AUDIT_STATUSES = ["pending", "reviewed"] as const;
export const REVIEWER_VERDICTS = ["pass", "fail"] as const;
export const MAX_QUALITY_NOTE_CHARS = 2000;

export const ZQualityAuditItem = z.object({
  id: z.string(),
  vdagURI: z.string(),
  taskId: z.string(),
  controllerId: z.string().nullable(),
  /** The request packet (bounded, see QUALITY_PAYLOAD_MAX_CHARS). */
  input: z.json(),
  /** The response packet (bounded). */
  output: z.json(),
  /** The policy's verdict. */
  verdict: ZQualityVerdict,
  status: z.enum(QUALITY_AUDIT_STATUSES),
  reviewerVerdict: z.enum(REVIEWER_VERDICTS).nullable(),
  note: z.string().nullable(),
  /** The API token that recorded the verdict (`open-mode` without authentication). */
  reviewer: z.string().nullable(),
  reviewedAt: z.string().nullable(),
  sampledAt: z.string(),
  createdAt: z.string(),
});
export type TQualityAuditItem = z.infer<typeof ZQualityAuditItem>;

export const ZQualityAuditList = z.object({
  vdagURI: z.string().min(1, "must not be empty").optional(),
  status: z.enum(QUALITY_AUDIT_STATUSES, { error: 'must be "pending" or "reviewed"' }).optional(),
  limit: z.number().int().min(1, "must be at least 1").max(200, "must be at most 200").default(50),
  /** Items created before this one (its id), for the next page; newest first. */
  before: z.uuid({ error: "must be an audit item id (a UUID)" }).optional(),
});
export type TQualityAuditList = z.input<typeof ZQualityAuditList>;

export const ZQualityAuditItemId = z.object({ id: z.uuid({ error: "must be an audit item id (a UUID)" }) });

export const ZQualityVerdictInput = ZQualityAuditItemId.extend({
  verdict: z.enum(REVIEWER_VERDICTS, { error: 'must be "pass" or "fail"' }),
  note: z
    .string()
    .max(MAX_QUALITY_NOTE_CHARS, `must be at most ${MAX_QUALITY_NOTE_CHARS} characters`)
    .optional(),
});
export type TQualityVerdictInput = z.infer<typeof ZQualityVerdictInput>;

// ---- webhook ------------------------------------------------------------------------------------

/** The header that carries `t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>`. */
export const QUALITY_SIGNATURE_HEADER = "x-aios-signature";
/** The delivery's id: the same on every attempt, for the receiver to drop repeats. */
export const QUALITY_DELIVERY_HEADER = "x-aios-delivery";
export const QUALITY_EVENT_HEADER = "x-aios-event";
export const QUALITY_WEBHOOK_EVENT = "quality.sample";

export const QUALITY_DELIVERY_STATUSES = ["pending", "delivered", "failed"] as const;

/** One try of a delivery. */
export const ZQualityDeliveryAttempt = z.object({
  at: z.string(),
  statusCode: z.number().int().nullable(),
  error: z.string().nullable(),
  durationMs: z.number(),
});

export const ZQualityDelivery = z.object({
  id: z.string(),
  vdagURI: z.string(),
  taskId: z.string(),
  url: z.string().nullable(),
  status: z.enum(QUALITY_DELIVERY_STATUSES),
  attempts: z.number().int(),
  maxAttempts: z.number().int(),
  nextAttemptAt: z.string().nullable(),
  lastStatusCode: z.number().int().nullable(),
  lastError: z.string().nullable(),
  deliveredAt: z.string().nullable(),
  history: z.array(ZQualityDeliveryAttempt),
  createdAt: z.string(),
});
export type TQualityDelivery = z.infer<typeof ZQualityDelivery>;

export const ZQualityDeliveryList = z.object({
  vdagURI: z.string().min(1, "must not be empty"),
  status: z
    .enum(QUALITY_DELIVERY_STATUSES, { error: 'must be "pending", "delivered" or "failed"' })
    .optional(),
  limit: z.number().int().min(1, "must be at least 1").max(200, "must be at most 200").default(50),
});

/** What a webhook receives (the body that is signed). */
export const ZQualityWebhookBody = z.object({
  event: z.literal(QUALITY_WEBHOOK_EVENT),
  deliveryId: z.string(),
  vdagURI: z.string(),
  taskId: z.string(),
  sampledAt: z.string(),
  verdict: ZQualityVerdict,
  input: z.unknown(),
  output: z.unknown(),
});
export type TQualityWebhookBody = z.infer<typeof ZQualityWebhookBody>;

/** `qualityChecker.webhook` of a vDAG spec: where routed samples go. */
export const ZQualityWebhookSpec = z.looseObject({
  url: z
    .string()
    .max(2048, "must be at most 2048 characters")
    .refine((u) => {
      try {
        const p = new URL(u).protocol;
        return p === "http:" || p === "https:";
      } catch {
        return false;
      }
    }, "must be an http:// or https:// URL"),
  /** Attempts before the delivery is given up (default: the API's AIOS_QUALITY_WEBHOOK_MAX_ATTEMPTS). */
  maxAttempts: z.number().int().min(1).max(20).optional(),
});
