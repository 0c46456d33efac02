import { atMost, MAX_NAME_LENGTH, ZPolicyErrorInfo, ZPolicyGraphRecord } from "@aios/contracts";
import { z } from "zod";
import { changeProcedure, router, viewerProcedure } from "../../trpc";
import { readProcedures, ZPage } from "../registry/procedures";

const ZNameSegment = z
  .string()
  .max(MAX_NAME_LENGTH, { error: atMost(MAX_NAME_LENGTH, "characters", "MAX_NAME_LENGTH") })
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, "letters, digits, '.', '-' or '_'");

export const ZGraphExecution = z.object({
  ok: z.boolean(),
  failedAt: z.string().nullable(),
  outputs: z.record(z.string(), z.unknown()),
  trace: z.array(
    z.object({
      fn: z.string(),
      ok: z.boolean(),
      replica: z.number().int().nullable(),
      durationMs: z.number(),
      /** What the step returned, when it succeeded. */
      output: z.unknown().optional(),
      error: ZPolicyErrorInfo.optional(),
    }),
  ),
});

/** Execution type 5: static DAGs of policy functions. */
export const graphsRouter = router({
  create: changeProcedure
    .input(
      z.object({
        name: ZNameSegment,
        version: z
          .string()
          .regex(/^\d+(\.\d+){0,2}$/, "digits like 1.0.0")
          .default("1.0.0"),
        releaseTag: z
          .string()
          .regex(/^[A-Za-z0-9][A-Za-z0-9_.]*$/)
          .default("stable"),
        graph: z.record(z.string(), z.array(z.string())),
        description: z.string().optional(),
      }),
    )
    .output(z.object({ created: z.boolean(), graph: ZPolicyGraphRecord }))
    .mutation(({ ctx, input }) => ctx.services.graphs.create(input)),
  ...readProcedures({ record: ZPolicyGraphRecord, key: "graphURI", reader: (s) => s.registries.graphs }),
  list: viewerProcedure
    .input(ZPage.optional())
    .output(z.array(ZPolicyGraphRecord))
    .query(({ ctx, input }) => ctx.services.graphs.list(input)),
  execute: changeProcedure
    .input(z.object({ graphURI: z.string().min(1), input: z.unknown() }))
    .output(ZGraphExecution)
    .mutation(({ ctx, input }) => ctx.services.graphs.execute(input.graphURI, input.input)),
});
