import type { Db, Prisma } from "@aios/db";
import { formatVdagUri, type TFilterQuery, type TVdagRecord, type TVdagSpec } from "@aios/spec";
import { ConflictError, NotFoundError } from "../../errors";
import { asObject } from "../registry/doc";
import { inKeyOrder, type PageInput, searchKeys } from "../registry/search";
import { analyseGraph } from "./graph";

type VdagRow = Prisma.VdagGetPayload<object>;

export function toVdagRecord(row: VdagRow): TVdagRecord {
  return {
    vdagURI: row.vdagURI,
    vdagName: row.vdagName,
    version: row.version,
    releaseTag: row.releaseTag,
    status: row.status,
    doc: asObject(row.doc),
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

/** The original replaced a vDAG whose earlier create had not gone through; an assigned one is kept. */
const REPLACEABLE = new Set(["pending", "failed"]);

export function createVdagService(db: Db) {
  return {
    async list(page: PageInput = {}) {
      const rows = await db.vdag.findMany({
        orderBy: { vdagURI: "asc" },
        take: page.limit ?? 100,
        skip: page.offset ?? 0,
      });
      return rows.map(toVdagRecord);
    },

    async get(vdagURI: string) {
      const row = await db.vdag.findUnique({ where: { vdagURI } });
      if (!row) throw new NotFoundError("vDAG", vdagURI);
      return toVdagRecord(row);
    },

    async search(filter: TFilterQuery, page: PageInput = {}) {
      const keys = await searchKeys(db, "vdags", filter, page);
      const rows = await db.vdag.findMany({ where: { vdagURI: { in: keys } } });
      return inKeyOrder(keys, rows, (r) => r.vdagURI).map(toVdagRecord);
    },

    /**
     * `createvDAG`: validates the graph (acyclic, heads and tails, manual blocks exist) and stores the
     * vDAG as `pending`; assignment by policy and compilation come with the vDAG controller.
     * `validateGraph` and the dry-run modes return the analysis without storing.
     */
    async createFromSpec(values: TVdagSpec) {
      const vdagURI = formatVdagUri({
        name: values.vdagName,
        version: values.vdagVersion.version,
        releaseTag: values.vdagVersion["release-tag"],
      });
      const shape = analyseGraph(values);
      const manual = values.nodes.flatMap((n, i) =>
        n.spec.values.manualBlockId ? [{ i, id: n.spec.values.manualBlockId }] : [],
      );
      const found = new Set(
        (
          await db.block.findMany({ where: { id: { in: manual.map((m) => m.id) } }, select: { id: true } })
        ).map((b) => b.id),
      );
      const missing = manual.find((m) => !found.has(m.id));
      if (missing)
        throw new NotFoundError(
          "block",
          missing.id,
          `body.spec.values.nodes.${missing.i}.spec.values.manualBlockId`,
        );
      if (values.mode !== "create") return { vdagURI, created: false, graph: shape, vdag: null };

      const existing = await db.vdag.findUnique({ where: { vdagURI } });
      if (existing && !REPLACEABLE.has(existing.status)) {
        throw new ConflictError(`vDAG ${vdagURI} exists and is ${existing.status}; publish a new version`);
      }
      const data = {
        vdagName: values.vdagName,
        version: values.vdagVersion.version,
        releaseTag: values.vdagVersion["release-tag"],
        status: "pending",
        tags: values.discoveryTags ?? [],
        doc: { ...values, vdagURI, graphShape: shape } as unknown as Prisma.InputJsonValue,
      };
      const row = await db.vdag.upsert({ where: { vdagURI }, create: { vdagURI, ...data }, update: data });
      return { vdagURI, created: !existing, graph: shape, vdag: toVdagRecord(row) };
    },
  };
}

export type VdagService = ReturnType<typeof createVdagService>;
