import { UserError } from "../errors";

/**
 * The deepest nesting of objects and arrays the data plane accepts in a body. Real packets nest a
 * few levels; the limit keeps recursive code downstream (JSON.stringify, zod, PostgreSQL's jsonb,
 * the executors and controllers) clear of their stack limits.
 */
export const MAX_JSON_DEPTH = 256;

/**
 * Refuses JSON text nested deeper than `MAX_JSON_DEPTH`, before it is parsed. One pass over the
 * text counting brackets outside strings, so any depth is measured without recursion.
 */
export function assertJsonDepth(text: string, max = MAX_JSON_DEPTH): void {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c)
        i++; // a backslash escapes the next character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) {
      if (++depth > max) {
        throw new UserError(
          `(body): JSON is nested deeper than ${max} levels, the most the data plane accepts`,
        );
      }
    } else if (c === 0x7d || c === 0x5d) depth--;
  }
}

/**
 * Refuses a NUL character (`\u0000`) in any string or key of a request body: PostgreSQL cannot
 * store it in text or jsonb, and the request is stored as a task. The message names the field's
 * path (`data.items.2.text`). Walked with a stack of its own, not recursion.
 */
export function assertNoNul(body: unknown): void {
  const stack: Array<{ value: unknown; path: string }> = [{ value: body, path: "" }];
  const at = (path: string, key: string | number) => (path ? `${path}.${key}` : String(key));
  for (let item = stack.pop(); item; item = stack.pop()) {
    const { value, path } = item;
    if (typeof value === "string") {
      if (value.includes("\0")) throw nulAt(path || "(body)");
    } else if (Array.isArray(value)) {
      for (const [i, x] of value.entries()) stack.push({ value: x, path: at(path, i) });
    } else if (value !== null && typeof value === "object") {
      for (const [key, x] of Object.entries(value)) {
        if (key.includes("\0")) throw nulAt(at(path, JSON.stringify(key)), "its key");
        stack.push({ value: x, path: at(path, key) });
      }
    }
  }
}

const nulAt = (path: string, what = "it") =>
  UserError.field(path, `${what} contains a NUL character (\\u0000), which cannot be stored`);

/**
 * One percent-encoded segment of a data plane path, decoded. A malformed escape (`%E0%A4%A`) or a
 * NUL (`%00`) is the client's mistake, named with the segment as sent.
 */
export function decodePathSegment(raw: string, name: string): string {
  let decoded: string;
  try {
    decoded = decodeURIComponent(raw);
  } catch {
    throw UserError.field(name, `the path segment ${JSON.stringify(raw)} has a malformed percent-escape`);
  }
  if (decoded.includes("\0")) {
    throw UserError.field(name, `the path segment ${JSON.stringify(raw)} contains a NUL character (%00)`);
  }
  return decoded;
}
