import { hasRole } from "../../auth/principal";
import { anonymousProcedure, publicProcedure, router } from "../../trpc";
import { anonymousHealthView } from "./health.service";

export const healthRouter = router({
  /** Anyone; touches nothing, not even the caller's token: the API answers, with its clock. */
  ping: anonymousProcedure.query(() => ({ ok: true as const, at: new Date().toISOString() })),
  /** Public: a caller below viewer gets the anonymous view (no cluster ids, no error texts). */
  status: publicProcedure.query(async ({ ctx }) => {
    const report = await ctx.services.health.report();
    return ctx.principal && hasRole(ctx.principal, "viewer") ? report : anonymousHealthView(report);
  }),
});
