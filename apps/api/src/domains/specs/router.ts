import { ZSpecStoreCreateRequest, ZSpecStored, ZSpecStoreRecord, ZSpecUri } from "@aios/contracts";
import { z } from "zod";
import { changeProcedure, router } from "../../trpc";
import { rowReadProcedures } from "../registry/procedures";

/**
 * The spec store: named, versioned spec documents. `parser.applySpec({specUri})` applies one
 * (`aios apply --spec-uri`), `parser.expand({specUri})` shows what a template makes of it.
 */
export const specsRouter = router({
  ...rowReadProcedures({ record: ZSpecStoreRecord, key: "specURI", reader: (s) => s.specs }),
  /**
   * Stores a spec document under `<name>:<version>-<releaseTag>`, checked as the Parser would. The
   * same content again changes nothing (`created: false`); other content is a conflict.
   */
  create: changeProcedure
    .input(ZSpecStoreCreateRequest)
    .output(ZSpecStored)
    .mutation(({ ctx, input }) => ctx.services.specs.create(input, ctx.principal.tokenId)),
  /** Removes a stored version (what was applied from it stays). */
  remove: changeProcedure
    .input(z.object({ specURI: ZSpecUri }))
    .output(ZSpecStoreRecord)
    .mutation(({ ctx, input }) => ctx.services.specs.remove(input.specURI)),
});
