/**
 * Columnar transfer of an eval input's row arrays (a loadBalancer's `instances`, an autoscaler's
 * `currentInstances`, ...). Such an array is the bulk of the input and mostly repeats itself from
 * call to call: the same ids and statuses, a few numbers that move. Sent as JSON, its objects cost
 * a stringify here and a parse in the isolate on every call (about 40 us for 64 instances).
 *
 * Instead each top-level array of flat, same-shaped plain objects travels as columns: the key list
 * and one array per key; a column (or the key list) that equals what the isolate already holds is
 * sent as `0`, one that differs in a few cells as those cells. The prelude rebuilds the rows (`restoreRows`), so the policy sees exactly what
 * `JSON.parse(JSON.stringify(input))` would give it, keys in the same order.
 *
 * The isolate keeps the last columns per key; every message names the message it builds on (`b`).
 * When the isolate does not hold it (the isolate was rebuilt, the child process restarted), it
 * answers RESEND_ROWS (prelude.ts) and the caller sends everything again (`reset()`).
 */

/**
 * `input[key]` as columns. `c[i]` is the column of `k[i]`: whole, 0 when it equals the base's, or
 * `{d: [row, value, ...]}`, the base's with those cells changed.
 */
export interface EncodedRows {
  /** This message's id. */
  id: number;
  /** The message whose columns `0` refers to; absent when nothing is reused. */
  b?: number;
  /** Number of rows. */
  n: number;
  k: string[] | 0;
  c: (unknown[] | 0 | { d: unknown[] })[];
  /** Per column index, the rows whose value is `undefined` (the key is absent from those rows). */
  u?: Record<number, number[]>;
}

export interface EncodedInput {
  /** The input with each row array replaced by `null` (keeps the key's place). */
  input: unknown;
  rows?: Record<string, EncodedRows>;
}

interface Held {
  id: number;
  keys: string[];
  cols: unknown[][];
  /** Per column: only strings, finite numbers, booleans and null, so `===` says equal. */
  plain: boolean[];
}

/** Shorter arrays gain nothing. */
const MIN_ROWS = 4;
/** One bit per column in the extractor's answer. */
const MAX_KEYS = 30;
const protoKeys = new Set(Object.getOwnPropertyNames(Object.prototype));

export class RowEncoder {
  private held = new Map<string, Held>();
  private nextId = 1;

  /** Forgets what the isolate holds: the next message sends every column. */
  reset(): void {
    this.held.clear();
  }

  encode(input: unknown): EncodedInput {
    if (!isPlainObject(input)) return { input };
    let out: Record<string, unknown> | undefined;
    let rows: Record<string, EncodedRows> | undefined;
    for (const key in input) {
      const value = input[key];
      if (!Array.isArray(value) || value.length < MIN_ROWS || key === "__proto__") continue;
      const encoded = this.encodeRows(key, value);
      if (!encoded) continue;
      out ??= { ...input };
      out[key] = null;
      rows ??= {};
      rows[key] = encoded;
    }
    return out && rows ? { input: out, rows } : { input };
  }

  private encodeRows(key: string, rows: unknown[]): EncodedRows | undefined {
    const first = rows[0];
    if (!isPlainObject(first)) return this.drop(key);
    const keys = Object.keys(first);
    const nk = keys.length;
    if (nk === 0 || nk > MAX_KEYS || keys.some((k) => protoKeys.has(k))) return this.drop(key);
    const n = rows.length;
    for (let r = 0; r < n; r++) {
      const row = rows[r];
      if (!isPlainObject(row)) return this.drop(key);
      let i = 0;
      for (const k in row) if (k !== keys[i++]) return this.drop(key);
      if (i !== nk) return this.drop(key);
    }
    const cols: unknown[][] = [];
    for (let i = 0; i < nk; i++) cols.push(new Array(n));
    let undef: Record<number, number[]> | undefined;
    const objects = extractorOf(keys)(rows as Record<string, unknown>[], cols, (i, r) => {
      undef ??= {};
      const absent = undef[i] ?? [];
      absent.push(r);
      undef[i] = absent;
    });
    if (objects < 0) return this.drop(key);

    const base = this.held.get(key);
    const id = this.nextId++;
    // A column is plain when it holds no object and no undefined: `===` then says "equal".
    const plain = keys.map((_, i) => (objects & (1 << i)) === 0);
    this.held.set(key, { id, keys, cols, plain });
    const u = undef ? { u: undef } : {};
    if (!base || !sameValues(base.keys, keys)) return { id, n, k: keys, c: cols, ...u };
    const c = cols.map((col, i) => (plain[i] && base.plain[i] ? delta(base.cols[i] as unknown[], col) : col));
    return { id, b: base.id, n, k: 0, c, ...u };
  }

  /** Not columnar this time: the isolate's copy is stale from now on. */
  private drop(key: string): undefined {
    this.held.delete(key);
    return undefined;
  }
}

/**
 * Copies the rows' values into the columns as JSON would see them (a non-finite number is null,
 * undefined is null and reported), and answers a bit per column that holds an object or undefined;
 * -1 for a value JSON cannot carry. Generated per key list so that every read is a plain property
 * load: a keyed read `row[key]` over many keys costs three times as much.
 */
type Extractor = (
  rows: Record<string, unknown>[],
  cols: unknown[][],
  undef: (col: number, row: number) => void,
) => number;

const extractors = new Map<string, Extractor>();

function extractorOf(keys: string[]): Extractor {
  const id = keys.join("\u0000");
  let fn = extractors.get(id);
  if (fn) return fn;
  const body = keys
    .map(
      (k, i) => `
    v = row[${JSON.stringify(k)}];
    t = typeof v;
    if (t === "number") { if (v !== v || v === Infinity || v === -Infinity) v = null; }
    else if (t === "object") { if (v !== null) objects |= ${1 << i}; }
    else if (v === undefined) { undef(${i}, r); objects |= ${1 << i}; v = null; }
    else if (t !== "string" && t !== "boolean") return -1;
    c${i}[r] = v;`,
    )
    .join("");
  const columns = keys.map((_, i) => `c${i} = cols[${i}]`).join(", ");
  fn = new Function(
    "rows",
    "cols",
    "undef",
    `"use strict";
  const ${columns};
  let objects = 0, v, t;
  for (let r = 0; r < rows.length; r++) {
    const row = rows[r];${body}
  }
  return objects;`,
  ) as Extractor;
  if (extractors.size >= 64) extractors.clear();
  extractors.set(id, fn);
  return fn;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (v === null || typeof v !== "object" || Array.isArray(v)) return false;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

/**
 * A plain column against the isolate's: 0 when equal, the changed cells `{d: [row, value, ...]}`
 * when fewer than a quarter changed (an executor's next decision differs in a few load figures),
 * else the whole column.
 */
function delta(base: unknown[], col: unknown[]): unknown[] | 0 | { d: unknown[] } {
  if (base.length !== col.length) return col;
  let d: unknown[] | undefined;
  const most = col.length >> 1; // two entries per cell: a quarter of the cells
  for (let r = 0; r < col.length; r++) {
    if (base[r] === col[r]) continue;
    d ??= [];
    if (d.length >= most) return col;
    d.push(r, col[r]);
  }
  return d ? { d } : 0;
}

function sameValues(a: readonly unknown[], b: readonly unknown[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
