import fc from "fast-check";

/** What no store can take: a NUL, and lone surrogates of both halves. */
export const UNSTORABLE = ["\u0000", "\ud800", "\udbff", "\udc00", "\udfff"] as const;

/** A string holding one unstorable character somewhere (the rest printable ASCII, so no pair forms). */
export const unstorableString = fc
  .tuple(fc.string({ maxLength: 8 }), fc.constantFrom(...UNSTORABLE), fc.string({ maxLength: 8 }))
  .map(([a, bad, b]) => a + bad + b);

/** JSON values every store takes (printable ASCII strings and keys). */
export const storableJson = fc.jsonValue({ maxDepth: 4 });

/** A key path for `placeAt`: object keys (no `__proto__`, which a JSON object literal cannot set) and array indexes. */
export const keyPath = fc.array(
  fc.oneof(
    fc.string({ minLength: 1, maxLength: 6 }).filter((k) => k !== "__proto__"),
    fc.nat({ max: 3 }),
  ),
  { maxLength: 5 },
);

/** `leaf` at `keys` inside `base` (objects and arrays made along the way; a number key makes an array). */
export function placeAt(base: unknown, keys: readonly (string | number)[], leaf: unknown): unknown {
  if (keys.length === 0) return leaf;
  const [key, ...rest] = keys as [string | number, ...(string | number)[]];
  if (typeof key === "number") {
    const arr = Array.isArray(base) ? [...base] : [];
    while (arr.length < key) arr.push(null);
    arr[key] = placeAt(arr[key], rest, leaf);
    return arr;
  }
  const obj = base !== null && typeof base === "object" && !Array.isArray(base) ? { ...base } : {};
  Object.defineProperty(obj, key, {
    value: placeAt((obj as Record<string, unknown>)[key], rest, leaf),
    enumerable: true,
    writable: true,
    configurable: true,
  });
  return obj;
}

/** `depth` arrays one inside the other around `leaf`, built without recursion. */
export function nested(depth: number, leaf: unknown = 1): unknown {
  let v = leaf;
  for (let i = 0; i < depth; i++) v = [v];
  return v;
}

/** Every string leaf of a JSON value with its key path, for mutating one of them. */
export function stringLeaves(value: unknown, keys: (string | number)[] = []): (string | number)[][] {
  if (typeof value === "string") return [keys];
  if (Array.isArray(value)) return value.flatMap((v, i) => stringLeaves(v, [...keys, i]));
  if (value !== null && typeof value === "object")
    return Object.entries(value).flatMap(([k, v]) => stringLeaves(v, [...keys, k]));
  return [];
}
