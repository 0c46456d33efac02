import type { TAiosPacket } from "@aios/contracts";
import type { ControllerPolicy } from "./policies";

export type QuotaVerdict = { allowed: true } | { allowed: false; status: 429 | 500; reason: string };

/**
 * The session a request counts against in the quota: its own session_id, else its caller's, so that
 * callers without a session do not share one budget.
 */
export const quotaSessionOf = (sessionId: string | undefined, caller: string | undefined): string =>
  sessionId ?? (caller ? `anonymous:${caller}` : "default");

/** What a request brings to the quota check. */
export interface QuotaRequest {
  vdagURI: string;
  /** The session it counts against (`quotaSessionOf`). */
  sessionId: string;
  /** Who sent it (`token:<id>` or `address:<ip>`), when known. */
  caller?: string;
  packet: TAiosPacket;
}

/**
 * Requests per session (and in all), and the quotaChecker policy run before each request.
 *
 * Counts only increase for allowed requests. A request reserves its count before the policy runs
 * (so concurrent requests of a session see distinct `quota` values) and gives it back when refused.
 * Without a policy every request is allowed and counted. A failing policy refuses the request
 * (HTTP 500, stage quota): a quota is a protection, so it fails closed.
 */
export class QuotaTable {
  /** session id -> allowed requests (the policy gets this session's entry as `quotaTable`, and `total`). */
  private readonly table: Record<string, number> = Object.create(null);
  /** Allowed requests in all sessions (not lowered by reset/delete). */
  total = 0;
  refused = 0;

  async check(policy: ControllerPolicy | undefined, request: QuotaRequest): Promise<QuotaVerdict> {
    const { vdagURI, sessionId, caller, packet } = request;
    const quota = (this.table[sessionId] ?? 0) + 1;
    this.table[sessionId] = quota;
    if (!policy) {
      this.total++;
      return { allowed: true };
    }
    const r = await policy.eval({
      vdagURI,
      sessionId,
      ...(caller !== undefined ? { caller } : {}),
      quota,
      quotaTable: { [sessionId]: quota },
      total: this.total + 1,
      input: packet,
    });
    if (r.ok && (r.value as { allowed: boolean }).allowed) {
      this.total++;
      return { allowed: true };
    }
    // Give the reservation back (unless the session was reset or deleted meanwhile).
    const now = this.table[sessionId];
    if (now !== undefined && now > 0) this.table[sessionId] = now - 1;
    this.refused++;
    if (!r.ok) return { allowed: false, status: 500, reason: r.message };
    const reason = (r.value as { reason?: string }).reason;
    return { allowed: false, status: 429, reason: reason ?? `quota exceeded for session ${sessionId}` };
  }

  get(sessionId: string): number {
    return this.table[sessionId] ?? 0;
  }

  exists(sessionId: string): boolean {
    return this.table[sessionId] !== undefined;
  }

  /** Count back to 0 (the session stays listed); false if it was not known. */
  reset(sessionId: string): boolean {
    if (this.table[sessionId] === undefined) return false;
    this.table[sessionId] = 0;
    return true;
  }

  delete(sessionId: string): boolean {
    if (this.table[sessionId] === undefined) return false;
    delete this.table[sessionId];
    return true;
  }

  get sessions(): number {
    return Object.keys(this.table).length;
  }
}
