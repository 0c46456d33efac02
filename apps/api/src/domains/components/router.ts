import { ZComponentRecord } from "@aios/contracts";
import { z } from "zod";
import { router, viewerProcedure } from "../../trpc";
import { rankedReadProcedures, ZPage } from "../registry/procedures";

export const componentsRouter = router({
  list: viewerProcedure
    .input(ZPage.extend({ componentType: z.string().optional() }).optional())
    .output(z.array(ZComponentRecord))
    .query(({ ctx, input }) => ctx.services.components.list(input)),
  ...rankedReadProcedures({
    record: ZComponentRecord,
    key: "componentURI",
    reader: (s) => s.components,
    registry: "components",
  }),
});
