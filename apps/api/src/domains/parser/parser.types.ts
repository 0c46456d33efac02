import { SPEC_ACTIONS, ZPolicyLogEntry, ZSpecDocument, ZSpecError, ZSpecUri } from "@aios/contracts";
import { z } from "zod";

/** Any spec document; the Parser validates it itself so that errors name paths inside the document. */
export const ZParserRequest = z.object({ document: z.unknown() });

/** A spec document, or the URI of one in the spec store (`specs.create`). */
export const ZSpecSource = z
  .object({ document: z.unknown().optional(), specUri: ZSpecUri.optional() })
  .refine((r) => (r.document === undefined) !== (r.specUri === undefined), {
    path: ["document"],
    message: "give the document, or the specUri of a stored spec (one of them, not both)",
  });

const ZApplyOutcome = z.object({
  action: z.enum(SPEC_ACTIONS),
  target: z.string(),
  created: z.boolean(),
  dryRun: z.boolean(),
  result: z.unknown(),
});

/**
 * One document's outcome. A document for a template answers for the last document its template
 * returned (`created`: whether any was created), and lists each document's outcome in `template`.
 */
export const ZApplyResponse = ZApplyOutcome.extend({
  template: z.object({ templateUri: z.string(), outcomes: z.array(ZApplyOutcome) }).optional(),
});

export const ZValidateResponse = z.discriminatedUnion("valid", [
  z.object({ valid: z.literal(true), action: z.enum(SPEC_ACTIONS) }),
  z.object({ valid: z.literal(false), errors: z.array(ZSpecError) }),
]);

/** What would be applied: the `Parser/V1` documents a template made of the document (or the document). */
export const ZExpandResponse = z.object({
  templateUri: z.string(),
  documents: z.array(ZSpecDocument),
  /** What the template logged while it ran. */
  logs: z.array(ZPolicyLogEntry),
});
