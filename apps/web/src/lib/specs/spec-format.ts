import { PARSER_TEMPLATE_URI, type TSpecStoreRecord } from "@aios/contracts";

/** How stored specs are named and filtered in the console. */

/** What applying the spec does: its action, or the template that expands it. */
export const doesOf = (s: Pick<TSpecStoreRecord, "templateUri" | "action">): string =>
  s.templateUri === PARSER_TEMPLATE_URI ? (s.action ?? "-") : `template ${s.templateUri}`;

/** Whether a template expands the spec (its document names one instead of `Parser/V1`). */
export const isTemplated = (s: Pick<TSpecStoreRecord, "templateUri">): boolean =>
  s.templateUri !== PARSER_TEMPLATE_URI;

/** The list's text filter: URI, what it does, description and tags. */
export function matchesSpecFilter(s: TSpecStoreRecord, text: string): boolean {
  const q = text.trim().toLowerCase();
  if (!q) return true;
  const haystack = [s.specURI, doesOf(s), s.description ?? "", ...s.tags];
  return haystack.some((v) => v.toLowerCase().includes(q));
}
