import { type TAuditListQuery, type TAuditOutcome, ZAuditListQuery } from "@aios/contracts";
import { type Db, type Prisma, sqlOf } from "@aios/db";
import type { Principal } from "../../auth/principal";
import { auditedInput } from "./audit-outcome";

export interface AuditEntry {
  action: string;
  target?: string | null;
  input?: unknown;
  decision?: unknown;
  /** Default `ok`. */
  outcome?: TAuditOutcome;
  /** Why it was refused or failed. */
  reason?: string | null;
}

/**
 * Text PostgreSQL stores: lone surrogates (a message quoting half an emoji of a refused body, or
 * cut at the limit) become U+FFFD and NULs are written out, so a refusal is never lost to its reason.
 */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
const storableText = (text: string) => text.replace(LONE_SURROGATE, "\uFFFD").replaceAll("\u0000", "\\u0000");

/** Longest reason kept (an error's message). */
const MAX_REASON_CHARS = 2_000;

/**
 * Every change, run, invoke, dry run and management command leaves an audit event: who (the
 * token's role, id and name), what, on what, how it ended and why. Refusals included.
 */
export function createAuditService(db: Db) {
  /** A token's name, as it is when the event is written (a revoked token keeps its row). */
  const nameOf = async (tokenId: string): Promise<string | null> =>
    (await db.apiToken.findUnique({ where: { id: tokenId }, select: { name: true } }))?.name ?? null;

  const soon = createAuditBatches(db);

  return {
    /**
     * Writes one event soon (within about 50 ms), with others that come meanwhile, in one statement
     * (a busy data plane writes a batch, not a statement per call). Resolves once it is written.
     * The event's time is when it was recorded.
     */
    recordSoon: soon.record,
    /** Resolves once every event recorded with `recordSoon` so far is written (or failed). */
    flush: soon.flush,

    async record(principal: Principal | null, entry: AuditEntry): Promise<void> {
      const tokenId = principal?.tokenId ?? null;
      await db.auditEvent.create({
        data: {
          actor: actorOf(principal),
          principalRole: principal?.role ?? null,
          tokenId,
          principalName: tokenId ? await nameOf(tokenId) : null,
          action: entry.action,
          target: entry.target ? storableText(entry.target) : null,
          outcome: entry.outcome ?? "ok",
          reason: entry.reason ? storableText(entry.reason.slice(0, MAX_REASON_CHARS)) : null,
          input: auditedInput(entry.input) as Prisma.InputJsonValue | undefined,
          decision: (entry.decision ?? undefined) as Prisma.InputJsonValue | undefined,
        },
      });
    },

    /** Newest first, one page, filtered as `ZAuditListQuery` says. */
    async list(query: TAuditListQuery = {}) {
      const q = ZAuditListQuery.parse(query);
      const where: Prisma.AuditEventWhereInput = {};
      if (q.since) where.createdAt = { gte: new Date(q.since) };
      if (q.action) where.action = q.action.endsWith("*") ? { startsWith: q.action.slice(0, -1) } : q.action;
      if (q.outcome) where.outcome = q.outcome;
      if (q.principal)
        where.OR = [
          { tokenId: q.principal },
          { principalName: q.principal },
          { principalRole: q.principal },
          { actor: q.principal },
        ];
      return db.auditEvent.findMany({ where, orderBy: { id: "desc" }, take: q.limit, skip: q.offset });
    },

    /** The newest `limit` events. */
    async recent(limit = 50) {
      return db.auditEvent.findMany({ orderBy: { id: "desc" }, take: limit });
    },
  };
}

export type AuditService = ReturnType<typeof createAuditService>;

/** Events written in one statement at most. */
const BATCH = 500;
/** How long an event waits for others to share its statement (a busy data plane: tens a statement). */
const BATCH_MS = 50;

interface Pending {
  principal: Principal | null;
  entry: AuditEntry;
  at: Date;
  done(err?: unknown): void;
}

/**
 * `recordSoon`'s writer: events queue for BATCH_MS, and while a statement is on its way, and go out
 * together, in the order they were recorded (ids follow it), each token's name looked up in the same
 * statement. Plain SQL (`sqlOf`): Prisma costs about 0.5 ms of CPU a statement.
 */
function createAuditBatches(db: Db) {
  let queue: Pending[] = [];
  let writing: Promise<void> | null = null;

  const write = async (batch: Pending[]) => {
    // One JSON parameter (JSON.stringify is native; arrays of text are escaped element by element).
    const rows = batch.map((p) => ({
      actor: actorOf(p.principal),
      role: p.principal?.role ?? null,
      token_id: p.principal?.tokenId ?? null,
      action: p.entry.action,
      target: p.entry.target ? storableText(p.entry.target) : null,
      outcome: p.entry.outcome ?? "ok",
      reason: p.entry.reason ? storableText(p.entry.reason.slice(0, MAX_REASON_CHARS)) : null,
      input: auditedInput(p.entry.input) ?? null,
      decision: p.entry.decision ?? null,
      at: p.at,
    }));
    await sqlOf(db).query(
      `INSERT INTO audit_events
         (actor, principal_role, token_id, principal_name, action, target, outcome, reason, input, decision, created_at)
       SELECT e->>'actor', e->>'role', e->>'token_id', t.name, e->>'action', e->>'target', e->>'outcome',
              e->>'reason', NULLIF(e->'input', 'null'::jsonb), NULLIF(e->'decision', 'null'::jsonb),
              (e->>'at')::timestamptz
         FROM jsonb_array_elements($1::jsonb) WITH ORDINALITY AS x(e, n)
         LEFT JOIN api_tokens t ON t.id = e->>'token_id'
        ORDER BY x.n`,
      [JSON.stringify(rows)],
    );
  };

  const drain = async () => {
    while (queue.length > 0) {
      const batch = queue.slice(0, BATCH);
      queue = queue.slice(BATCH);
      try {
        await write(batch);
        for (const p of batch) p.done();
      } catch (err) {
        for (const p of batch) p.done(err);
      }
    }
    writing = null;
  };

  return {
    record(principal: Principal | null, entry: AuditEntry): Promise<void> {
      return new Promise<void>((resolve, reject) => {
        queue.push({ principal, entry, at: new Date(), done: (err) => (err ? reject(err) : resolve()) });
        // Written a moment later: the calls answered meanwhile share the statement.
        writing ??= new Promise<void>((r) => setTimeout(r, BATCH_MS)).then(drain);
      });
    },
    async flush(): Promise<void> {
      while (writing) await writing;
    },
  };
}

function actorOf(p: Principal | null): string {
  if (!p) return "anonymous";
  if (p.tokenId) return `${p.role}:${p.tokenId}`;
  return `${p.role}:open`;
}
