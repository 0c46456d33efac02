import type { TQualityAuditItem, TQualityAuditList, TQualityVerdictInput } from "@aios/contracts";
import { ZQualityAuditList } from "@aios/contracts";
import type { Db, Prisma } from "@aios/db";
import { ConflictError, NotFoundError } from "../../errors";

type AuditRow = Awaited<ReturnType<Db["qualityAuditItem"]["findFirstOrThrow"]>>;

const iso = (d: Date | null) => (d ? d.toISOString() : null);

export function toQualityAuditItem(r: AuditRow): TQualityAuditItem {
  return {
    id: r.id,
    vdagURI: r.vdagURI,
    taskId: r.taskId,
    controllerId: r.controllerId,
    input: r.input as TQualityAuditItem["input"],
    output: r.output as TQualityAuditItem["output"],
    verdict: r.verdict as TQualityAuditItem["verdict"],
    status: r.status as TQualityAuditItem["status"],
    reviewerVerdict: r.reviewerVerdict as TQualityAuditItem["reviewerVerdict"],
    note: r.note,
    reviewer: r.reviewer,
    reviewedAt: iso(r.reviewedAt),
    sampledAt: r.sampledAt.toISOString(),
    createdAt: r.createdAt.toISOString(),
  };
}

/**
 * The manual audit queue: routed samples waiting for a reviewer, and the verdicts recorded. A
 * verdict is recorded once (pending → reviewed, guarded in the UPDATE itself, so two reviewers at
 * the same moment cannot both succeed).
 */
export function createQualityAudit(db: Db) {
  return {
    /** The most recently sampled first; `before` (an item's id) pages on. */
    async list(input: TQualityAuditList): Promise<TQualityAuditItem[]> {
      const q = ZQualityAuditList.parse(input);
      const where: Prisma.QualityAuditItemWhereInput = {
        ...(q.vdagURI && { vdagURI: q.vdagURI }),
        ...(q.status && { status: q.status }),
      };
      if (q.before) {
        const anchor = await db.qualityAuditItem.findUnique({ where: { id: q.before } });
        if (!anchor) throw new NotFoundError("quality audit item", q.before, "before");
        where.OR = [
          { sampledAt: { lt: anchor.sampledAt } },
          { sampledAt: anchor.sampledAt, id: { lt: anchor.id } },
        ];
      }
      const rows = await db.qualityAuditItem.findMany({
        where,
        orderBy: [{ sampledAt: "desc" }, { id: "desc" }],
        take: q.limit,
      });
      return rows.map(toQualityAuditItem);
    },

    async get(id: string): Promise<TQualityAuditItem> {
      const row = await db.qualityAuditItem.findUnique({ where: { id } });
      if (!row) throw new NotFoundError("quality audit item", id, "id");
      return toQualityAuditItem(row);
    },

    /** Records the reviewer's verdict; a second verdict on the same item is a conflict. */
    async recordVerdict(input: TQualityVerdictInput, reviewer: string): Promise<TQualityAuditItem> {
      const done = await db.qualityAuditItem.updateMany({
        where: { id: input.id, status: "pending" },
        data: {
          status: "reviewed",
          reviewerVerdict: input.verdict,
          note: input.note ?? null,
          reviewer,
          reviewedAt: new Date(),
        },
      });
      const row = await db.qualityAuditItem.findUnique({ where: { id: input.id } });
      if (!row) throw new NotFoundError("quality audit item", input.id, "id");
      if (done.count === 0)
        throw new ConflictError(
          `quality audit item ${input.id} was already reviewed (${row.reviewerVerdict} by ${row.reviewer} at ${iso(row.reviewedAt)}); a verdict is recorded once`,
        );
      return toQualityAuditItem(row);
    },
  };
}

export type QualityAudit = ReturnType<typeof createQualityAudit>;
