import { publicProcedure, router } from "../../trpc";

export const healthRouter = router({
  status: publicProcedure.query(({ ctx }) => ctx.services.health.report()),
});
