import type { TAiosPacket, TVdagQuotaChanges, TVdagQuotaState } from "@aios/contracts";
import type { ControllerPolicy } from "./policies";

export type QuotaVerdict = { allowed: true } | { allowed: false; status: 429 | 500 | 503; reason: string };

/** The counts a drain hands over (`POST /quota/changes`, the policy's state added by the controller). */
export type QuotaCountChanges = Omit<TVdagQuotaChanges, "policy">;

const NOT_RESTORED =
  "the quota counts of this vDAG are not restored yet (its agent hands them over after a restart); try again";

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
 *
 * Durability: the sessions whose count changed are remembered until `drain()` hands them over (the
 * agent stores them in the API about every second); a table made with `{restore: true}` (a
 * controller started again) refuses every request with 503 until `restore()` gives it the stored
 * counts, so a restart never starts the counts over.
 */
export class QuotaTable {
  /** session id -> allowed requests (the policy gets this session's entry as `quotaTable`, and `total`). */
  private table: Record<string, number> = Object.create(null);
  /** Allowed requests in all sessions (not lowered by reset/delete). */
  total = 0;
  refused = 0;
  /** Grows with each drain and reset: orders what the store receives. */
  version = 0;
  private readonly changed = new Set<string>();
  private totalChanged = false;
  private waiting: boolean;

  constructor(opts: { restore?: boolean } = {}) {
    this.waiting = opts.restore === true;
  }

  /** True until the stored counts were handed over (a table made with `{restore: true}`). */
  get restoring(): boolean {
    return this.waiting;
  }

  async check(policy: ControllerPolicy | undefined, request: QuotaRequest): Promise<QuotaVerdict> {
    if (this.waiting) return { allowed: false, status: 503, reason: NOT_RESTORED };
    const { vdagURI, sessionId, caller, packet } = request;
    const quota = (this.table[sessionId] ?? 0) + 1;
    this.table[sessionId] = quota;
    this.changed.add(sessionId);
    if (!policy) {
      this.total++;
      this.totalChanged = true;
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
      this.totalChanged = true;
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

  /** Count back to 0 (the session stays listed): the version of the reset; undefined if it was not known. */
  reset(sessionId: string): number | undefined {
    if (this.table[sessionId] === undefined) return undefined;
    this.table[sessionId] = 0;
    this.changed.add(sessionId);
    return ++this.version;
  }

  delete(sessionId: string): boolean {
    if (this.table[sessionId] === undefined) return false;
    delete this.table[sessionId];
    this.changed.add(sessionId);
    return true;
  }

  /** What changed since the last drain (null: nothing), as of a new version; forgets it. */
  drain(): QuotaCountChanges | null {
    if (this.changed.size === 0 && !this.totalChanged) return null;
    const sessions = [...this.changed].map((sessionId) => ({
      sessionId,
      count: this.table[sessionId] ?? null,
    }));
    this.changed.clear();
    this.totalChanged = false;
    return { version: ++this.version, total: this.total, sessions };
  }

  /**
   * Takes the stored counts (once, while waiting for them): false when it already had its counts,
   * which are then kept (an agent that adopted a running controller hands them over again).
   */
  restore(state: Pick<TVdagQuotaState, "version" | "total" | "sessions">): boolean {
    if (!this.waiting) return false;
    this.table = Object.assign(Object.create(null), state.sessions);
    this.total = state.total;
    this.version = Math.max(this.version, state.version);
    this.waiting = false;
    return true;
  }

  get sessions(): number {
    return Object.keys(this.table).length;
  }
}
