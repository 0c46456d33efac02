import { ZNodeRecord } from "@aios/contracts";
import { z } from "zod";
import { changeProcedure, router, viewerProcedure } from "../../trpc";
import { rankedReadProcedures, ZPage } from "../registry/procedures";

export const nodesRouter = router({
  list: viewerProcedure
    .input(ZPage.extend({ clusterId: z.string().optional() }).optional())
    .output(z.array(ZNodeRecord))
    .query(({ ctx, input }) => ctx.services.nodes.list(input)),
  ...rankedReadProcedures({ record: ZNodeRecord, key: "id", reader: (s) => s.nodes, registry: "nodes" }),
  /** The node's load over time (from its agent's heartbeats), oldest first. */
  metricSeries: viewerProcedure
    .input(
      z.object({
        id: z.string().min(1),
        name: z.string().optional(),
        sinceMinutes: z.number().int().min(1).max(1440).default(15),
      }),
    )
    .output(z.array(z.object({ entity: z.string(), name: z.string(), value: z.number(), ts: z.string() })))
    .query(({ ctx, input }) => ctx.services.nodes.metricSeries(input.id, input)),
  /** Removes the node from its cluster (remove_node pre-check; refused while instances run on it). */
  remove: changeProcedure
    .input(z.object({ id: z.string().min(1) }))
    .output(ZNodeRecord)
    .mutation(({ ctx, input }) => ctx.services.nodes.remove(input.id, ctx.principal)),
});
