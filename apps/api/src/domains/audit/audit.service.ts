import { type TAuditListQuery, type TAuditOutcome, ZAuditListQuery } from "@aios/contracts";
import type { Db, Prisma } from "@aios/db";
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

  return {
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

function actorOf(p: Principal | null): string {
  if (!p) return "anonymous";
  if (p.tokenId) return `${p.role}:${p.tokenId}`;
  return `${p.role}:open`;
}
