import { z } from "zod";
import { ZAuditOutcome } from "./registry-records";

/**
 * `auditEvents.list`: the newest events first, a page at a time (`limit`, `offset`), filtered by
 * time (`since`), caller (`principal`: a token id, a token name, a role, or an actor such as
 * `admin:open`), action (exact, or a prefix ending in `*`: `functions.*`) and outcome.
 */
export const ZAuditListQuery = z.object({
  since: z.iso.datetime({ offset: true }).optional(),
  principal: z.string().min(1).max(200).optional(),
  action: z.string().min(1).max(200).optional(),
  outcome: ZAuditOutcome.optional(),
  limit: z.number().int().min(1).max(1000).default(100),
  offset: z.number().int().min(0).default(0),
});
export type TAuditListQuery = z.input<typeof ZAuditListQuery>;

const UNIT_MS = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

/**
 * A `since` given as a duration back from `now` (`90s`, `15m`, `1h`, `7d`) or as an ISO-8601 time,
 * as an ISO-8601 time; anything else is an error naming both forms.
 */
export function sinceToIso(since: string, now: Date = new Date()): string {
  const duration = /^(\d+)([smhd])$/.exec(since.trim());
  if (duration) {
    const ms = Number(duration[1]) * UNIT_MS[duration[2] as keyof typeof UNIT_MS];
    return new Date(now.getTime() - ms).toISOString();
  }
  const parsed = z.iso.datetime({ offset: true }).safeParse(since.trim());
  if (parsed.success) return new Date(parsed.data).toISOString();
  throw new Error(`since: ${JSON.stringify(since)} is neither a duration (30m, 1h, 7d) nor an ISO-8601 time`);
}
