/** The dry-run panel's JSON editors: parse their text, or say what is wrong with it. */
export type JsonParse<T> = { ok: true; value: T } | { ok: false; message: string };

export function parseJson(text: string, label: string): JsonParse<unknown> {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (e) {
    return { ok: false, message: `${label} is not valid JSON: ${(e as Error).message}` };
  }
}

/** An object (settings, parameters); an empty text means `{}`. */
export function parseJsonObject(text: string, label: string): JsonParse<Record<string, unknown>> {
  if (text.trim() === "") return { ok: true, value: {} };
  const parsed = parseJson(text, label);
  if (!parsed.ok) return parsed;
  const v = parsed.value;
  if (typeof v !== "object" || v === null || Array.isArray(v)) {
    return { ok: false, message: `${label} must be a JSON object` };
  }
  return { ok: true, value: v as Record<string, unknown> };
}

export const formatJson = (value: unknown) => JSON.stringify(value ?? {}, null, 2);
