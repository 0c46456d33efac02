import { changeProcedure, dryRunProcedure, router, viewerProcedure } from "../../trpc";
import {
  ZApplyResponse,
  ZExpandResponse,
  ZParserRequest,
  ZSpecSource,
  ZValidateResponse,
} from "./parser.types";

export const parserRouter = router({
  /**
   * Validates a spec document (given, or stored under `specUri`) and carries out its action
   * (idempotent); a document for a template is expanded first. Named applySpec: tRPC reserves
   * `apply`. Audited as a call (refusals too); the service records the actions it took.
   */
  applySpec: changeProcedure
    .input(ZSpecSource)
    .output(ZApplyResponse)
    .mutation(({ ctx, input }) =>
      input.specUri !== undefined
        ? ctx.services.parser.applyStored(input.specUri, ctx.principal)
        : ctx.services.parser.apply(input.document, ctx.principal),
    ),
  /** Validates a spec document without storing anything (runs no code: a template's is expanded). */
  validateSpec: viewerProcedure
    .input(ZParserRequest)
    .output(ZValidateResponse)
    .query(({ ctx, input }) => ctx.services.parser.validate(input.document)),
  /**
   * The documents applySpec would apply, without applying them: a template's expansion, checked
   * by the Parser. It runs the template's code, so it is a dry run (operators, rate-limited).
   */
  expand: dryRunProcedure
    .input(ZSpecSource)
    .output(ZExpandResponse)
    .mutation(({ ctx, input }) => ctx.services.parser.expand(input)),
});
