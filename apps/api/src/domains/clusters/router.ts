import { ZClusterRecord } from "@aios/spec";
import { z } from "zod";
import { router, viewerProcedure } from "../../trpc";
import { readProcedures, ZPage } from "../registry/procedures";

export const clustersRouter = router({
  list: viewerProcedure
    .input(ZPage.optional())
    .output(z.array(ZClusterRecord))
    .query(({ ctx, input }) => ctx.services.clusters.list(input)),
  ...readProcedures({ record: ZClusterRecord, key: "id", reader: (s) => s.clusters }),
});
