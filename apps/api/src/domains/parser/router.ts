import { operatorProcedure, router, viewerProcedure } from "../../trpc";
import { ZApplyResponse, ZParserRequest, ZValidateResponse } from "./parser.types";

export const parserRouter = router({
  /** Validates a spec document and carries out its action (idempotent). Named applySpec: tRPC reserves `apply`. */
  applySpec: operatorProcedure
    .input(ZParserRequest)
    .output(ZApplyResponse)
    .mutation(({ ctx, input }) => ctx.services.parser.apply(input.document, ctx.principal)),
  /** Validates a spec document without storing anything. */
  validateSpec: viewerProcedure
    .input(ZParserRequest)
    .output(ZValidateResponse)
    .query(({ ctx, input }) => ctx.services.parser.validate(input.document)),
});
