import type { Db, Prisma } from "@aios/db";
import type { Principal } from "../../auth/principal";

export interface AuditEntry {
  action: string;
  target?: string | null;
  input?: unknown;
  decision?: unknown;
}

/** Every change, management command and state-changing policy decision leaves an audit event. */
export function createAuditService(db: Db) {
  return {
    async record(principal: Principal | null, entry: AuditEntry): Promise<void> {
      await db.auditEvent.create({
        data: {
          actor: actorOf(principal),
          action: entry.action,
          target: entry.target ?? null,
          input: (entry.input ?? undefined) as Prisma.InputJsonValue | undefined,
          decision: (entry.decision ?? undefined) as Prisma.InputJsonValue | undefined,
        },
      });
    },
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
