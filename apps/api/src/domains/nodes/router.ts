import { ZNodeRecord } from "@aios/spec";
import { z } from "zod";
import { router, viewerProcedure } from "../../trpc";
import { readProcedures, ZPage } from "../registry/procedures";

export const nodesRouter = router({
  list: viewerProcedure
    .input(ZPage.extend({ clusterId: z.string().optional() }).optional())
    .output(z.array(ZNodeRecord))
    .query(({ ctx, input }) => ctx.services.nodes.list(input)),
  ...readProcedures({ record: ZNodeRecord, key: "id", reader: (s) => s.nodes }),
});
