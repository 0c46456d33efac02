import { JsonTooDeep } from "./http-errors";

/**
 * The deepest nesting of objects and arrays a body may have. Real packets nest a few levels; the
 * limit keeps recursive code downstream (JSON.stringify, zod, PostgreSQL's jsonb, the executors,
 * controllers and instances) clear of their stack limits.
 */
export const MAX_JSON_DEPTH = 256;

/**
 * Refuses JSON text nested deeper than `max` (JsonTooDeep), before it is parsed. One pass over the
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
      if (++depth > max) throw new JsonTooDeep(max);
    } else if (c === 0x7d || c === 0x5d) depth--;
  }
}
