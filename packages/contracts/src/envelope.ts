import { z } from "zod";
import { safeParseSpec, type TSpecError } from "./errors";
import { unsafeInputIssue } from "./input-safety";
import { oversizeSpecIssue } from "./limits";
import {
  SPEC_VALUE_SCHEMAS,
  type TSpecAction,
  type TSpecValuesByAction,
  ZSpecAction,
} from "./specs/by-action";

export const PARSER_TEMPLATE_URI = "Parser/V1";

/**
 * In the original the action was the URL (`POST /api/<action>`); here a document carries it in
 * `header.action`, so one file (or one array of documents) can be applied without knowing the URL.
 */
export const ZSpecHeader = z.strictObject({
  templateUri: z.literal(PARSER_TEMPLATE_URI, {
    error: (iss) =>
      iss.input === undefined
        ? "Required"
        : `expected "${PARSER_TEMPLATE_URI}", got ${JSON.stringify(iss.input)} (a document for a template is expanded by the API first: parser.expand, parser.applySpec)`,
  }),
  action: ZSpecAction,
  parameters: z.record(z.string(), z.unknown()).optional(),
});

/** The envelope is strict (a typo like `bdy` is an error); `values` is checked per action. */
export const ZSpecDocument = z.strictObject({
  header: ZSpecHeader,
  body: z.strictObject({
    spec: z.strictObject({ values: z.record(z.string(), z.unknown()) }),
  }),
});
export type TSpecDocument = z.infer<typeof ZSpecDocument>;

export type TParsedSpec = {
  [A in TSpecAction]: { ok: true; action: A; values: TSpecValuesByAction[A]; document: TSpecDocument };
}[TSpecAction];
export type TSpecParseOutcome = TParsedSpec | { ok: false; errors: TSpecError[] };

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

/** The original's samples write `head`; it is read as `header`, and errors keep saying `head`. */
export function normaliseHead(doc: unknown): {
  doc: unknown;
  headerKey: "header" | "head";
  errors: TSpecError[];
} {
  if (!isObject(doc) || !("head" in doc)) return { doc, headerKey: "header", errors: [] };
  if ("header" in doc) {
    return {
      doc,
      headerKey: "header",
      errors: [{ path: "head", message: "give either header or head, not both" }],
    };
  }
  const { head, ...rest } = doc;
  return { doc: { header: head, ...rest }, headerKey: "head", errors: [] };
}

/**
 * Validate a whole spec document: what no store can take first (a NUL or lone surrogate in a
 * string, nesting past MAX_INPUT_DEPTH, more than MAX_SPEC_DOCUMENT_BYTES), then envelope, action,
 * and `body.spec.values` against the action's schema.
 */
export function parseSpecDocument(input: unknown): TSpecParseOutcome {
  const unsafe = unsafeInputIssue(input) ?? oversizeSpecIssue(input, "(document)");
  if (unsafe) return { ok: false, errors: [unsafe] };
  const { doc, headerKey, errors } = normaliseHead(input);
  if (errors.length > 0) return { ok: false, errors };
  const envelope = safeParseSpec(ZSpecDocument, doc);
  if (!envelope.ok) {
    const renamed = envelope.errors.map((e) =>
      headerKey === "head" && (e.path === "header" || e.path.startsWith("header."))
        ? { ...e, path: `head${e.path.slice("header".length)}` }
        : e,
    );
    return { ok: false, errors: renamed };
  }
  const document = envelope.data;
  const action = document.header.action;
  const values = safeParseSpec(SPEC_VALUE_SCHEMAS[action], document.body.spec.values, [
    "body",
    "spec",
    "values",
  ]);
  if (!values.ok) return { ok: false, errors: values.errors };
  return { ok: true, action, values: values.data, document } as TParsedSpec;
}

/** Validate only `values` for a known action (the API's typed procedures take values directly). */
export function parseSpecValues<A extends TSpecAction>(action: A, values: unknown) {
  const unsafe = unsafeInputIssue(values) ?? oversizeSpecIssue(values, "(values)");
  if (unsafe) return { ok: false, errors: [unsafe] } as { ok: false; errors: TSpecError[] };
  return safeParseSpec(SPEC_VALUE_SCHEMAS[action], values) as
    | { ok: true; data: TSpecValuesByAction[A] }
    | { ok: false; errors: TSpecError[] };
}

/** Wrap values into a `Parser/V1` document (what the CLI and console send). */
export function specDocumentOf(action: TSpecAction, values: Record<string, unknown>): TSpecDocument {
  return { header: { templateUri: PARSER_TEMPLATE_URI, action }, body: { spec: { values } } };
}
