import {
  DEFAULT_PAGE_LIMIT,
  formatPolicyRuleUri,
  type TPolicyErrorInfo,
  type TPolicyGraphRecord,
} from "@aios/contracts";
import type { Db, Prisma } from "@aios/db";
import { ConflictError, NotFoundError } from "../../errors";
import type { FunctionService } from "../functions/function.service";
import { asObject, sameDoc } from "../registry/doc";
import type { PageInput } from "../registry/search";
import { planGraph } from "./graph-order";

type GraphRow = Prisma.PolicyGraphGetPayload<object>;

export function toGraphRecord(row: GraphRow): TPolicyGraphRecord {
  const doc = asObject(row.doc);
  return {
    graphURI: row.graphURI,
    name: row.name,
    graph: row.graph as Record<string, string[]>,
    description: typeof doc.description === "string" ? doc.description : null,
    createdAt: row.createdAt.toISOString(),
  };
}

export interface GraphStep {
  fn: string;
  ok: boolean;
  replica: number | null;
  durationMs: number;
  /** The step's own output (a tail's is also in the run's `outputs`). */
  output?: unknown;
  error?: TPolicyErrorInfo | { kind: "unavailable"; message: string };
}

/**
 * Execution type 5: a static DAG of type-4 functions. A head gets the graph's input; a function
 * with one producer gets its output; with several, `{inputs: [...]}` in producer order. The result
 * is every tail's output, with a trace of each step. A failed step stops the run and is named.
 */
export function createGraphService(db: Db, functions: FunctionService) {
  return {
    async create(req: {
      name: string;
      version: string;
      releaseTag: string;
      graph: Record<string, string[]>;
      description?: string | undefined;
    }): Promise<{ created: boolean; graph: TPolicyGraphRecord }> {
      const plan = planGraph(req.graph);
      const known = new Set(
        (
          await db.policyFunction.findMany({
            where: { name: { in: plan.order }, status: { not: "removed" } },
          })
        ).map((f) => f.name),
      );
      const missing = plan.order.find((fn) => !known.has(fn));
      if (missing) throw new NotFoundError("function", missing, `graph.${missing}`);
      const graphURI = formatPolicyRuleUri({
        name: req.name,
        version: req.version,
        releaseTag: req.releaseTag,
      });
      const existing = await db.policyGraph.findUnique({ where: { graphURI } });
      if (existing) {
        if (sameDoc(existing.graph, req.graph)) return { created: false, graph: toGraphRecord(existing) };
        throw new ConflictError(`graph ${graphURI} exists with other edges; versions are immutable`);
      }
      const row = await db.policyGraph.create({
        data: {
          graphURI,
          name: req.name,
          graph: req.graph as Prisma.InputJsonValue,
          doc: {
            description: req.description ?? null,
            heads: plan.heads,
            tails: plan.tails,
          } as Prisma.InputJsonValue,
        },
      });
      return { created: true, graph: toGraphRecord(row) };
    },

    async get(graphURI: string) {
      const row = await db.policyGraph.findUnique({ where: { graphURI } });
      if (!row) throw new NotFoundError("graph", graphURI, "graphURI");
      return toGraphRecord(row);
    },

    async list(page: PageInput = {}) {
      const rows = await db.policyGraph.findMany({
        orderBy: { graphURI: "asc" },
        take: page.limit ?? DEFAULT_PAGE_LIMIT,
        skip: page.offset ?? 0,
      });
      return rows.map(toGraphRecord);
    },

    async execute(graphURI: string, input: unknown) {
      const graph = await this.get(graphURI);
      const plan = planGraph(graph.graph);
      const outputs = new Map<string, unknown>();
      const trace: GraphStep[] = [];
      for (const fn of plan.order) {
        const producers = plan.parents.get(fn) ?? [];
        const fnInput =
          producers.length === 0
            ? input
            : producers.length === 1
              ? outputs.get(producers[0] as string)
              : { inputs: producers.map((p) => outputs.get(p)) };
        const t0 = performance.now();
        try {
          const r = await functions.invoke(fn, "invoke", { input: fnInput });
          trace.push({
            fn,
            ok: r.ok,
            replica: r.replica,
            durationMs: r.durationMs,
            ...(r.ok ? { output: r.output } : {}),
            ...(r.error ? { error: r.error } : {}),
          });
          if (!r.ok) return { ok: false, failedAt: fn, outputs: {}, trace };
          outputs.set(fn, r.output);
        } catch (err) {
          trace.push({
            fn,
            ok: false,
            replica: null,
            durationMs: performance.now() - t0,
            error: { kind: "unavailable", message: (err as Error).message },
          });
          return { ok: false, failedAt: fn, outputs: {}, trace };
        }
      }
      return {
        ok: true,
        failedAt: null,
        outputs: Object.fromEntries(plan.tails.map((t) => [t, outputs.get(t)])),
        trace,
      };
    },
  };
}

export type GraphService = ReturnType<typeof createGraphService>;
