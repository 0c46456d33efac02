import { router, viewerProcedure } from "../../trpc";
import { ZRegistryCounts } from "./overview.service";

export const overviewRouter = router({
  /** The size of each registry (the console's overview cards). */
  counts: viewerProcedure.output(ZRegistryCounts).query(({ ctx }) => ctx.services.overview.counts()),
});
