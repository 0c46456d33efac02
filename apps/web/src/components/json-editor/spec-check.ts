import { parseSpecDocument, type TSpecError } from "@aios/contracts";

/** The text as JSON, or why it is not. */
export function parseJson(text: string): { ok: true; value: unknown } | { ok: false; message: string } {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (err) {
    return { ok: false, message: `not valid JSON: ${(err as Error).message}` };
  }
}

/** The Parser's field errors carried by a refused `parser.applySpec` (`error.data.issues`). */
export function issuesOf(error: unknown): TSpecError[] {
  const issues = (error as { data?: { issues?: unknown } } | null)?.data?.issues;
  if (!Array.isArray(issues)) return [];
  return issues.flatMap((i) => {
    const { path, message } = (i ?? {}) as { path?: unknown; message?: unknown };
    return typeof message === "string" ? [{ path: typeof path === "string" ? path : "", message }] : [];
  });
}

/**
 * `parser.validateSpec` is a query, so the document travels in the URL; past this many characters
 * (the servers' header limit is 16 KiB) the same Parser code checks it in the browser instead.
 */
export const MAX_URL_DOCUMENT = 12_000;

export function fitsInUrl(document: unknown): boolean {
  return encodeURIComponent(JSON.stringify(document)).length <= MAX_URL_DOCUMENT;
}

/** The Parser's verdict computed here (`@aios/contracts` is the Parser's own validation). */
export function checkLocally(
  document: unknown,
): { valid: true; action: string } | { valid: false; errors: TSpecError[] } {
  const outcome = parseSpecDocument(document);
  return outcome.ok ? { valid: true, action: outcome.action } : { valid: false, errors: outcome.errors };
}
