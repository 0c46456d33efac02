import { ZComponentRecord } from "@aios/contracts";
import { z } from "zod";
import { router, viewerProcedure } from "../../trpc";
import { readProcedures, ZPage } from "../registry/procedures";

export const componentsRouter = router({
  list: viewerProcedure
    .input(ZPage.extend({ componentType: z.string().optional() }).optional())
    .output(z.array(ZComponentRecord))
    .query(({ ctx, input }) => ctx.services.components.list(input)),
  ...readProcedures({ record: ZComponentRecord, key: "componentURI", reader: (s) => s.components }),
});
