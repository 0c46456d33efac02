import { changeProcedure, router, viewerProcedure } from "../../trpc";
import { ZApplyResponse, ZParserRequest, ZValidateResponse } from "./parser.types";

export const parserRouter = router({
  /**
   * Validates a spec document and carries out its action (idempotent). Named applySpec: tRPC
   * reserves `apply`. Audited as a call (refusals too); the service records the action it took.
   */
  applySpec: changeProcedure
    .input(ZParserRequest)
    .output(ZApplyResponse)
    .mutation(({ ctx, input }) => ctx.services.parser.apply(input.document, ctx.principal)),
  /** Validates a spec document without storing anything. */
  validateSpec: viewerProcedure
    .input(ZParserRequest)
    .output(ZValidateResponse)
    .query(({ ctx, input }) => ctx.services.parser.validate(input.document)),
});
