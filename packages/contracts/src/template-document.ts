import { z } from "zod";
import { normaliseHead, PARSER_TEMPLATE_URI } from "./envelope";
import { safeParseSpec, type TSpecError } from "./errors";
import { unsafeInputIssue } from "./input-safety";
import { oversizeSpecIssue } from "./limits";
import { ZPolicyRuleUri } from "./uri";

/**
 * A document for a template (reference §2.1): `header.templateUri` names a `template` policy
 * (`<name>:<version>-<releaseTag>`) instead of `Parser/V1`, and the body is in that template's own
 * format. The Parser hands it to the template, which returns `Parser/V1` documents; those are
 * validated and applied as any other.
 */
export const ZTemplatedDocument = z.strictObject({
  header: z.strictObject({
    templateUri: ZPolicyRuleUri,
    /** The template may read it; the documents it returns carry their own actions. */
    action: z.string().max(200).optional(),
    /** Handed to the template, checked against its `policyParametersSchema`. */
    parameters: z.record(z.string(), z.unknown()).optional(),
  }),
  body: z.record(z.string(), z.unknown()),
});
export type TTemplatedDocument = z.infer<typeof ZTemplatedDocument>;

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

/** The `templateUri` a document's header (or the original's `head`) names, when it is a string. */
export function templateUriOf(document: unknown): string | undefined {
  if (!isObject(document)) return undefined;
  const header = document.header ?? document.head;
  const uri = isObject(header) ? header.templateUri : undefined;
  return typeof uri === "string" ? uri : undefined;
}

/** A document the Parser hands to a template first: its `templateUri` is a string other than `Parser/V1`. */
export function isTemplatedDocument(document: unknown): boolean {
  const uri = templateUriOf(document);
  return uri !== undefined && uri !== PARSER_TEMPLATE_URI;
}

export type TTemplatedParseOutcome =
  | { ok: true; document: TTemplatedDocument }
  | { ok: false; errors: TSpecError[] };

/** Validates the envelope of a document for a template (its body is the template's business). */
export function parseTemplatedDocument(input: unknown): TTemplatedParseOutcome {
  const unsafe = unsafeInputIssue(input) ?? oversizeSpecIssue(input, "(document)");
  if (unsafe) return { ok: false, errors: [unsafe] };
  const { doc, headerKey, errors } = normaliseHead(input);
  if (errors.length > 0) return { ok: false, errors };
  const parsed = safeParseSpec(ZTemplatedDocument, doc);
  if (parsed.ok) return { ok: true, document: parsed.data };
  return {
    ok: false,
    errors: parsed.errors.map((e) =>
      headerKey === "head" && (e.path === "header" || e.path.startsWith("header."))
        ? { ...e, path: `head${e.path.slice("header".length)}` }
        : e,
    ),
  };
}
