import { SPEC_ACTIONS, ZSpecError } from "@aios/contracts";
import { z } from "zod";

/** Any spec document; the Parser validates it itself so that errors name paths inside the document. */
export const ZParserRequest = z.object({ document: z.unknown() });

export const ZApplyResponse = z.object({
  action: z.enum(SPEC_ACTIONS),
  target: z.string(),
  created: z.boolean(),
  dryRun: z.boolean(),
  result: z.unknown(),
});

export const ZValidateResponse = z.discriminatedUnion("valid", [
  z.object({ valid: z.literal(true), action: z.enum(SPEC_ACTIONS) }),
  z.object({ valid: z.literal(false), errors: z.array(ZSpecError) }),
]);
