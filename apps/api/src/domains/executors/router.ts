import { ZExecutorHeartbeat, ZExecutorRecord, ZRegisterExecutorRequest } from "@aios/contracts";
import { z } from "zod";
import type { Principal } from "../../auth/principal";
import { changeProcedure, operatorProcedure, router, viewerProcedure } from "../../trpc";
import type { ExecutorCaller } from "./executor.registry";

const caller = (p: Principal | null): ExecutorCaller => ({
  tokenId: p?.tokenId ?? null,
  admin: p?.role === "admin",
});

/**
 * Policy executors you deploy (execution type 2 on your own machine, `apps/policy-executor`):
 * they register and beat here; `policies.execute({executorId | executorGroup})` runs on them.
 */
export const executorsRouter = router({
  list: viewerProcedure
    .input(z.object({ group: z.string().min(1).optional() }).optional())
    .output(z.array(ZExecutorRecord))
    .query(({ ctx, input }) => ctx.services.executors.list(input ?? {})),
  get: viewerProcedure
    .input(z.object({ id: z.string().min(1) }))
    .output(ZExecutorRecord)
    .query(({ ctx, input }) => ctx.services.executors.get(input.id)),
  /** An executor registers itself (again, under the same name, after a restart). */
  register: changeProcedure
    .input(ZRegisterExecutorRequest)
    .output(ZExecutorRecord)
    .mutation(({ ctx, input }) => ctx.services.executors.register(input, caller(ctx.principal))),
  /** Every few seconds from the executor: its load and counters; keeps it healthy. Not audited. */
  heartbeat: operatorProcedure
    .input(ZExecutorHeartbeat)
    .output(ZExecutorRecord)
    .mutation(({ ctx, input }) => ctx.services.executors.heartbeat(input, caller(ctx.principal))),
  /** No call goes to it any more; an executor still running registers again on its next beat. */
  remove: changeProcedure
    .input(z.object({ id: z.string().min(1) }))
    .output(ZExecutorRecord)
    .mutation(({ ctx, input }) => ctx.services.executors.remove(input.id, caller(ctx.principal))),
});
