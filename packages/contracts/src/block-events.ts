import { z } from "zod";

/**
 * Block events (reference §5.3 `push_event`, §3 "block event"): what the platform saw happen to a
 * block and what its instances emit through the SDK (`ctx.emitEvent(name, data)`). Each is stored
 * with what the block's `event` policy for it answered (`blockInitData.events[name]`, the
 * original's map of event name → policy).
 */

/** The events the platform emits itself. */
export const PLATFORM_BLOCK_EVENTS = [
  "instance_started",
  "instance_crashed",
  "instance_healthy",
  "instance_unhealthy",
  "instances_replaced",
  "scaled_up",
  "scaled_down",
  "policy_failed",
] as const;
export type TPlatformBlockEvent = (typeof PLATFORM_BLOCK_EVENTS)[number];

export const BLOCK_EVENT_SOURCES = ["platform", "instance"] as const;

/** An event's name: a letter, then letters, digits, `_`, `.`, `-` (at most 64). */
export const BLOCK_EVENT_NAME = /^[A-Za-z][A-Za-z0-9_.-]{0,63}$/;
/** The largest `data` of an event, as JSON text, in bytes. */
export const MAX_BLOCK_EVENT_DATA_BYTES = 16 * 1024;
/** The most events one agent report carries (the instances' outboxes are drained in turns). */
export const MAX_BLOCK_EVENTS_PER_REPORT = 100;

export const ZBlockEventName = z
  .string()
  .regex(BLOCK_EVENT_NAME, "must start with a letter, then letters, digits, _ . - (at most 64)");

/** An event's data: any JSON value of at most MAX_BLOCK_EVENT_DATA_BYTES as JSON text. */
export const ZBlockEventData = z.json().superRefine((data, ctx) => {
  const size = new TextEncoder().encode(JSON.stringify(data) ?? "null").length;
  if (size > MAX_BLOCK_EVENT_DATA_BYTES)
    ctx.addIssue({
      code: "custom",
      message: `is ${size} bytes as JSON, the limit is ${MAX_BLOCK_EVENT_DATA_BYTES}`,
    });
});

/** An event an instance emitted, as its agent forwards it. */
export const ZInstanceBlockEvent = z.object({
  instanceId: z.string().min(1).max(64),
  name: ZBlockEventName,
  data: ZBlockEventData.default({}),
  /** When the instance emitted it (ISO); the API's clock otherwise. */
  at: z.string().max(40).optional(),
});
export type TInstanceBlockEvent = z.infer<typeof ZInstanceBlockEvent>;

/** What the block's event policy answered: its output, or its error; `action`: what the output asked for. */
export const ZBlockEventOutcome = z.object({
  policyRuleURI: z.string(),
  ok: z.boolean(),
  output: z.unknown().optional(),
  error: z.string().optional(),
  action: z.unknown().optional(),
});
export type TBlockEventOutcome = z.infer<typeof ZBlockEventOutcome>;

export const ZBlockEventRecord = z.object({
  id: z.number().int(),
  blockId: z.string(),
  instanceId: z.string().nullable(),
  clusterId: z.string().nullable(),
  name: z.string(),
  data: z.json(),
  source: z.enum(BLOCK_EVENT_SOURCES),
  outcome: ZBlockEventOutcome.nullable(),
  createdAt: z.string(),
});
export type TBlockEventRecord = z.infer<typeof ZBlockEventRecord>;

/** An instance's outbox, drained by its agent (`GET /events` with its control token). */
export const ZInstanceEventsReply = z.object({
  events: z.array(z.object({ name: z.string(), data: z.unknown(), at: z.string() })),
  /** Events dropped because the outbox was full since the last drain. */
  dropped: z.number().int().min(0).default(0),
});
export type TInstanceEventsReply = z.infer<typeof ZInstanceEventsReply>;
