import { on } from "node:events";
import {
  ZMasterDag,
  ZQualitySample,
  ZVdagControllerStatus,
  ZVdagControllerView,
  ZVdagHealthView,
  ZVdagMgmtReply,
  ZVdagPlan,
  ZVdagQuotaReset,
  ZVdagQuotaView,
  ZVdagRecord,
  ZVdagTask,
} from "@aios/contracts";
import { tracked } from "@trpc/server";
import { z } from "zod";
import { changeProcedure, router, viewerProcedure } from "../../trpc";
import { rankedReadProcedures, ZPage } from "../registry/procedures";
import type { VdagStatusEvent } from "./vdag.service";

const ZUri = z.object({ vdagURI: z.string().min(1) });
const ZSession = ZUri.extend({ sessionId: z.string().min(1).max(200) });
const ZMgmt = ZUri.extend({
  /** Which of the controller's policies: quota, health or quality. */
  service: z.enum(["quota", "health", "quality"]),
  action: z.string().min(1),
  data: z.unknown().optional(),
});

export const vdagsRouter = router({
  list: viewerProcedure
    .input(ZPage.optional())
    .output(z.array(ZVdagRecord))
    .query(({ ctx, input }) => ctx.services.vdags.list(input)),
  ...rankedReadProcedures({ record: ZVdagRecord, key: "vdagURI", reader: (s) => s.vdags, registry: "vdags" }),
  /** Stops the vDAG's controller; the vDAG is kept as `removed`. */
  remove: changeProcedure
    .input(ZUri)
    .output(z.object({ vdagURI: z.string(), status: z.literal("removed") }))
    .mutation(async ({ ctx, input }) => {
      await ctx.services.vdags.remove(input.vdagURI, ctx.principal);
      return { vdagURI: input.vdagURI, status: "removed" as const };
    }),
  /** The compiled plan the controller walks (nested vDAGs inlined); null until compiled. */
  plan: viewerProcedure
    .input(ZUri)
    .output(z.object({ plan: ZVdagPlan.nullable() }))
    .query(async ({ ctx, input }) => ({ plan: await ctx.services.vdags.plan(input.vdagURI) })),
  controllers: viewerProcedure
    .input(ZUri)
    .output(z.array(ZVdagControllerView))
    .query(({ ctx, input }) => ctx.services.vdagControllers.controllers(input.vdagURI)),
  /** Every status change of a vDAG (or of all), as it happens, over SSE. */
  onStatus: viewerProcedure
    .input(z.object({ vdagURI: z.string().optional() }).optional())
    .subscription(async function* ({ ctx, input, signal }) {
      for await (const [event] of on(ctx.services.vdags.events, "status", { signal })) {
        const e = event as VdagStatusEvent;
        if (input?.vdagURI && e.vdagURI !== input.vdagURI) continue;
        yield tracked(`${e.vdagURI}@${e.at}`, e);
      }
    }),
  /** The union of all serving vDAGs over blocks. */
  masterDag: viewerProcedure.output(ZMasterDag).query(({ ctx }) => ctx.services.vdags.masterDag()),
  /** A request's task: its status, result or error, and the trace of its steps. */
  task: viewerProcedure
    .input(z.object({ taskId: z.string().min(1) }))
    .output(ZVdagTask)
    .query(({ ctx, input }) => ctx.services.vdagInference.get(input.taskId)),
  tasks: viewerProcedure
    .input(ZUri.extend({ limit: z.number().int().min(1).max(200).default(20) }))
    .output(z.array(ZVdagTask))
    .query(({ ctx, input }) => ctx.services.vdagInference.recent(input.vdagURI, input.limit)),
  /** Live figures from the controller: requests, errors, p50/p99 per vDAG and per node, health. */
  metrics: viewerProcedure
    .input(ZUri)
    .output(ZVdagControllerStatus)
    .query(async ({ ctx, input }) => (await ctx.services.vdagInference.controller(input.vdagURI)).status()),
  /** Runs the vDAG health check (its policy) now and returns its verdict: operator+, audited. */
  healthCheck: changeProcedure
    .input(ZUri)
    .output(ZVdagHealthView)
    .query(async ({ ctx, input }) =>
      (await ctx.services.vdagInference.controller(input.vdagURI)).healthCheck(),
    ),
  /** The quality checker's verdicts on sampled requests, newest first. */
  qualitySamples: viewerProcedure
    .input(ZUri.extend({ limit: z.number().int().min(1).max(500).default(50) }))
    .output(z.array(ZQualitySample))
    .query(({ ctx, input }) => ctx.services.vdagControllers.qualitySamples(input.vdagURI, input.limit)),
  /** A session's request count as the quota checker sees it. */
  quota: viewerProcedure
    .input(ZSession)
    .output(ZVdagQuotaView)
    .query(async ({ ctx, input }) =>
      (await ctx.services.vdagInference.controller(input.vdagURI)).quota(input.sessionId),
    ),
  /** A session's count back to 0, in its controller and in the stored quota (kept across restarts). */
  quotaReset: changeProcedure
    .input(ZSession)
    .output(ZVdagQuotaReset)
    .mutation(async ({ ctx, input }) => {
      const r = await (await ctx.services.vdagInference.controller(input.vdagURI)).quotaReset(
        input.sessionId,
      );
      await ctx.services.vdagQuota.reset(input.vdagURI, input.sessionId, r.version);
      return r;
    }),
  /** The vDAG's and its nodes' time series (pushed by its controller's agent), oldest first. */
  metricSeries: viewerProcedure
    .input(
      ZUri.extend({
        name: z.string().optional(),
        sinceMinutes: z.number().int().min(1).max(1440).default(15),
      }),
    )
    .output(z.array(z.object({ entity: z.string(), name: z.string(), value: z.number(), ts: z.string() })))
    .query(({ ctx, input }) => ctx.services.vdagMetrics.series(input.vdagURI, input)),
  /** A management command for the controller's quota, health or quality policy. */
  mgmt: changeProcedure
    .input(ZMgmt)
    .output(ZVdagMgmtReply)
    .mutation(({ ctx, input }) =>
      ctx.services.vdagInference.mgmt(input.vdagURI, input.service, input.action, input.data),
    ),
});
