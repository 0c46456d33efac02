import { type FieldIssue, formatPath } from "./errors";

/**
 * The deepest nesting of objects and arrays an input may have (a spec document, a procedure's input,
 * a data-plane body). Real documents nest a handful of levels; the limit keeps the recursive code
 * behind them (zod, Prisma's serialiser, PostgreSQL's jsonb) far from its stack limits.
 */
export const MAX_INPUT_DEPTH = 64;

/** A UTF-16 surrogate without its partner: no UTF-8 text can hold it, so PostgreSQL refuses it. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Why a string cannot be stored as text or jsonb, or undefined when it can. */
function unstorable(s: string): string | undefined {
  if (s.includes("\0")) return "contains a NUL character (\\u0000), which cannot be stored";
  const surrogate = LONE_SURROGATE.exec(s);
  if (surrogate) {
    const code = surrogate[0].charCodeAt(0).toString(16);
    return `contains a lone surrogate (\\u${code}) at character ${surrogate.index}, which is not valid Unicode text`;
  }
  return undefined;
}

/** Strings, objects and arrays can hold something unstorable; numbers, booleans and null cannot. */
const isWalked = (v: unknown) => typeof v === "string" || (typeof v === "object" && v !== null);

export interface InputWalk {
  /** Keys in front of every path, as `fieldIssues`' `under` (`["input"]` -> `input.packet.data`). */
  under?: readonly PropertyKey[];
  /** The path of the value itself, when it is the problem and `under` is empty: `(input)`, `(body)`. */
  root?: string;
  maxDepth?: number;
}

/**
 * The first thing in a JSON-like value that no store of ours can take: a string or key with a NUL
 * or a lone surrogate, or nesting deeper than `maxDepth` (MAX_INPUT_DEPTH), as `{path, message}`
 * with the path written as the one formatter writes it (`items[2].text`). Walked with a stack of its
 * own, so any depth is measured without recursion, and each value is visited once.
 */
export function unsafeInputIssue(value: unknown, walk: InputWalk = {}): FieldIssue | undefined {
  const { under = [], root = "(input)", maxDepth = MAX_INPUT_DEPTH } = walk;
  const pathOf = (keys: readonly PropertyKey[]) => formatPath([...under, ...keys]) || root;
  const stack: Array<{ value: unknown; keys: PropertyKey[] }> = [{ value, keys: [] }];
  for (let item = stack.pop(); item; item = stack.pop()) {
    const { value: v, keys } = item;
    if (typeof v === "string") {
      const why = unstorable(v);
      if (why) return { path: pathOf(keys), message: why };
      continue;
    }
    if (v === null || typeof v !== "object") continue;
    if (keys.length >= maxDepth) {
      return {
        path: pathOf(keys),
        message: `nests deeper than ${maxDepth} levels of objects and arrays${maxDepth === MAX_INPUT_DEPTH ? " (MAX_INPUT_DEPTH)" : ""}`,
      };
    }
    if (Array.isArray(v)) {
      for (let i = v.length - 1; i >= 0; i--) {
        if (isWalked(v[i])) stack.push({ value: v[i], keys: [...keys, i] });
      }
      continue;
    }
    const entries = Object.entries(v);
    for (let i = entries.length - 1; i >= 0; i--) {
      const [key, x] = entries[i]!;
      const why = unstorable(key);
      if (why) return { path: pathOf([...keys, key]), message: `its key ${why}` };
      if (isWalked(x)) stack.push({ value: x, keys: [...keys, key] });
    }
  }
  return undefined;
}
