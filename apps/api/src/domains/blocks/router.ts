import { on } from "node:events";
import {
  COMPANION_NAME_RE,
  type TBlockEventRecord,
  ZBlockEventRecord,
  ZBlockRecord,
  ZDnsLabel,
  ZInstanceRecord,
} from "@aios/contracts";
import { tracked } from "@trpc/server";
import { z } from "zod";
import { changeProcedure, router, viewerProcedure } from "../../trpc";
import { rankedReadProcedures, ZPage } from "../registry/procedures";
import type { BlockStatusEvent } from "./block-lifecycle.service";

const ZId = z.object({ id: ZDnsLabel });

export const blocksRouter = router({
  list: viewerProcedure
    .input(
      ZPage.extend({ clusterId: z.string().optional(), includeRemoved: z.boolean().optional() }).optional(),
    )
    .output(z.array(ZBlockRecord))
    .query(({ ctx, input }) => ctx.services.blocks.list(input)),
  ...rankedReadProcedures({ record: ZBlockRecord, key: "id", reader: (s) => s.blocks, registry: "blocks" }),
  instances: viewerProcedure
    .input(ZId)
    .output(z.array(ZInstanceRecord))
    .query(({ ctx, input }) => ctx.services.blockLifecycle.instances(input.id)),
  logs: viewerProcedure
    .input(
      ZId.extend({
        instanceId: z.string().optional(),
        /** One of the instance's init containers or side-cars (`runtime.initContainers`, `.sidecars`), by name. */
        container: z
          .string()
          .regex(COMPANION_NAME_RE, { error: "must name one of the instance's init containers or side-cars" })
          .optional(),
        limit: z.number().int().min(1).max(5000).default(200),
      }),
    )
    .output(z.object({ lines: z.array(z.string()) }))
    .query(({ ctx, input }) =>
      ctx.services.blockLifecycle.logs(input.id, input.instanceId, input.limit, input.container),
    ),
  metrics: viewerProcedure
    .input(ZId)
    .output(z.record(z.string(), z.unknown()))
    .query(({ ctx, input }) => ctx.services.blockLifecycle.metrics(input.id)),
  /** The block's and its instances' time series (pushed by the agent), oldest first. */
  metricSeries: viewerProcedure
    .input(
      ZId.extend({
        name: z.string().optional(),
        sinceMinutes: z.number().int().min(1).max(1440).default(15),
      }),
    )
    .output(z.array(z.object({ entity: z.string(), name: z.string(), value: z.number(), ts: z.string() })))
    .query(({ ctx, input }) => ctx.services.blockMetrics.series(input.id, input)),
  /** Every status change of a block (or of all blocks), as it happens, over SSE. */
  onStatus: viewerProcedure
    .input(z.object({ blockId: ZDnsLabel.optional() }).optional())
    .subscription(async function* ({ ctx, input, signal }) {
      for await (const [event] of on(ctx.services.blockLifecycle.events, "status", { signal })) {
        const e = event as BlockStatusEvent;
        if (input?.blockId && e.blockId !== input.blockId) continue;
        yield tracked(`${e.blockId}@${e.at}`, e);
      }
    }),
  /** The block's events (the platform's and its instances'), newest first; page on with `beforeId`. */
  events: viewerProcedure
    .input(
      ZId.extend({
        limit: z.number().int().min(1).max(500).default(50),
        beforeId: z.number().int().min(1).optional(),
      }),
    )
    .output(z.array(ZBlockEventRecord))
    .query(async ({ ctx, input }) => {
      await ctx.services.blocks.get(input.id);
      return ctx.services.blockEvents.list(input.id, input);
    }),
  /** Each new event of a block (and each event whose policy answered, again with its outcome), over SSE. */
  onEvent: viewerProcedure.input(ZId).subscription(async function* ({ ctx, input, signal }) {
    for await (const [event] of on(ctx.services.blockEvents.live, "event", { signal })) {
      const e = event as TBlockEventRecord;
      if (e.blockId !== input.id) continue;
      yield tracked(`${e.id}:${e.outcome ? "settled" : "new"}`, e);
    }
  }),
  /** A management command for the block's instances (the component's `management(action, data)`). */
  mgmt: changeProcedure
    .input(
      ZId.extend({
        instanceId: z.string().optional(),
        action: z.string().min(1),
        data: z.unknown().optional(),
      }),
    )
    .output(
      z.object({
        results: z.array(z.object({ instanceId: z.string(), status: z.number().int(), reply: z.unknown() })),
      }),
    )
    .mutation(({ ctx, input }) =>
      ctx.services.blockLifecycle.mgmt(input.id, input.instanceId, input.action, input.data, ctx.principal),
    ),
  /** A management command for the policy of one of the block's services. */
  serviceMgmt: changeProcedure
    .input(
      ZId.extend({
        service: z.enum(["executor", "autoscaler", "health"]),
        action: z.string().min(1),
        data: z.unknown().optional(),
      }),
    )
    .output(z.object({ service: z.string(), status: z.number().int(), reply: z.unknown() }))
    .mutation(({ ctx, input }) =>
      ctx.services.blockLifecycle.serviceMgmt(
        input.id,
        input.service,
        input.action,
        input.data,
        undefined,
        ctx.principal,
      ),
    ),
  updateParameters: changeProcedure
    .input(ZId.extend({ parameters: z.record(z.string(), z.unknown()) }))
    .output(
      z.object({
        parameters: z.record(z.string(), z.unknown()),
        results: z.array(z.object({ instanceId: z.string(), status: z.number().int(), reply: z.unknown() })),
      }),
    )
    .mutation(({ ctx, input }) => ctx.services.blockLifecycle.updateParameters(input.id, input.parameters)),
  removeInstance: changeProcedure
    .input(ZId.extend({ instanceId: z.string().min(1) }))
    .output(z.object({ desiredInstances: z.number().int() }))
    .mutation(({ ctx, input }) =>
      ctx.services.blockLifecycle.removeInstance(input.id, input.instanceId, ctx.principal),
    ),
  scale: changeProcedure
    .input(ZId.extend({ instances: z.number().int().min(0) }))
    .output(ZBlockRecord)
    .mutation(async ({ ctx, input }) => {
      await ctx.services.blockLifecycle.scale(input.id, input.instances, ctx.principal);
      return ctx.services.blocks.get(input.id);
    }),
  /** Runs the block on another component (a new version), its instances replaced one at a time. */
  setComponent: changeProcedure
    .input(ZId.extend({ componentURI: z.string().min(1).max(400) }))
    .output(ZBlockRecord)
    .mutation(async ({ ctx, input }) => {
      await ctx.services.blockLifecycle.setComponent(input.id, input.componentURI);
      return ctx.services.blocks.get(input.id);
    }),
  remove: changeProcedure
    .input(ZId)
    .output(ZBlockRecord)
    .mutation(async ({ ctx, input }) => {
      await ctx.services.blockLifecycle.remove(input.id, ctx.principal);
      return ctx.services.blocks.get(input.id);
    }),
});
