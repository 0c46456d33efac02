import { ZBlockRecord } from "@aios/spec";
import { z } from "zod";
import { router, viewerProcedure } from "../../trpc";
import { readProcedures, ZPage } from "../registry/procedures";

export const blocksRouter = router({
  list: viewerProcedure
    .input(ZPage.extend({ clusterId: z.string().optional() }).optional())
    .output(z.array(ZBlockRecord))
    .query(({ ctx, input }) => ctx.services.blocks.list(input)),
  ...readProcedures({ record: ZBlockRecord, key: "id", reader: (s) => s.blocks }),
});
