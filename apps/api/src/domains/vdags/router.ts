import { ZVdagRecord } from "@aios/spec";
import { z } from "zod";
import { router, viewerProcedure } from "../../trpc";
import { readProcedures, ZPage } from "../registry/procedures";

export const vdagsRouter = router({
  list: viewerProcedure
    .input(ZPage.optional())
    .output(z.array(ZVdagRecord))
    .query(({ ctx, input }) => ctx.services.vdags.list(input)),
  ...readProcedures({ record: ZVdagRecord, key: "vdagURI", reader: (s) => s.vdags }),
});
