/**
 * Runs first in every policy isolate (before the policy's own code) and evaluates to
 * `{ dispatch, settle, drainLogs }`, which the host calls through isolated-vm References.
 * Everything crosses as JSON strings: the host hands in strings and gets strings back, so no host
 * object, prototype or function is ever reachable from the policy.
 *
 * It also freezes the isolate's built-ins (Object.prototype, Array.prototype, JSON, ...), so that
 * `Object.prototype.polluted = 1` in one call cannot leak into the objects of the next call, and
 * the helpers below cannot be swapped out by policy code. Plain JS: it never passes a transpiler.
 */
export const PRELUDE_FILENAME = "aios-sandbox-prelude.js";

export const PRELUDE = String.raw`(function () {
  "use strict";
  const G = globalThis;
  const { parse, stringify } = JSON;
  const { freeze, getPrototypeOf, getOwnPropertyDescriptor } = Object;
  const { ownKeys, apply } = Reflect;
  const { isArray } = Array;
  const promiseResolve = (v) => Promise.resolve(v);
  const promiseThen = Promise.prototype.then;
  const MAX_LOGS = 200;
  const MAX_MESSAGE = 4000;
  const PENDING = '{"pending":true}';
  const RESEND = '{"resend":true}';
  const MEMORY_RANGE_ERROR = /Invalid (string|array|typed array) length|allocation failed|out of memory/i;

  // A decision function needs none of these; they only widen what policy code can reach.
  delete G.WebAssembly;
  delete G.SharedArrayBuffer;
  delete G.Atomics;

  let logs = [];
  let dropped = 0;
  const show = (v) => {
    if (typeof v === "string") return v;
    try {
      if (v instanceof Error) return v.name + ": " + v.message;
      const s = stringify(v);
      if (s !== undefined) return s;
    } catch {}
    try { return String(v); } catch { return "[unprintable]"; }
  };
  const writer = (level) => (...args) => {
    if (logs.length >= MAX_LOGS) { dropped++; return; }
    let message = "";
    for (let i = 0; i < args.length; i++) message += (i > 0 ? " " : "") + show(args[i]);
    if (message.length > MAX_MESSAGE) message = message.slice(0, MAX_MESSAGE) + "... [truncated]";
    logs.push({ level, message });
  };
  const log = writer("log");
  log.info = writer("info");
  log.warn = writer("warn");
  log.error = writer("error");
  log.debug = writer("debug");
  G.console = { log, info: log.info, warn: log.warn, error: log.error, debug: log.debug, trace: log.debug };
  const takeLogs = () => {
    const out = logs;
    if (dropped > 0) out.push({ level: "warn", message: dropped + " more log entries dropped (at most " + MAX_LOGS + " per call)" });
    logs = [];
    dropped = 0;
    return out;
  };

  const seen = new WeakSet();
  const harden = (o) => {
    if (o === null || (typeof o !== "object" && typeof o !== "function") || seen.has(o)) return;
    seen.add(o);
    freeze(o);
    for (const key of ownKeys(o)) {
      const d = getOwnPropertyDescriptor(o, key);
      if (d) { harden(d.value); harden(d.get); harden(d.set); }
    }
    harden(getPrototypeOf(o));
  };
  for (const key of ownKeys(G)) {
    const d = getOwnPropertyDescriptor(G, key);
    if (d && d.value !== G) harden(d.value);
  }
  // Intrinsics that no global names: generator/async function prototypes, iterator prototypes.
  for (const o of [function* () {}, async function () {}, async function* () {}, [][Symbol.iterator](),
    new Map()[Symbol.iterator](), new Set()[Symbol.iterator](), ""[Symbol.iterator](), /a/[Symbol.matchAll]("a"),
    (function* () {})(), (async function* () {})(), getPrototypeOf(Int8Array)]) harden(o);

  let policy = null;
  let state = {};
  let settings = {};
  let parameters = {};
  let pending = null;

  // ctx.query: the caller's read-only queries (metrics, say). An answer not given yet is asked
  // for: the call stops (NEED), the host runs what was asked and calls again with the answers,
  // so a query answers synchronously. asked: the keys asked this call; null: no queries here.
  const NEED = freeze({});
  let asked = null;
  let answers = null;
  const query = (q) => {
    let key;
    try { key = stringify(q); } catch (e) { throw new TypeError("ctx.query: the query must be JSON: " + show(e)); }
    if (key === undefined) throw new TypeError("ctx.query needs a query object");
    const answer = answers === null ? undefined : answers.get(key);
    if (answer !== undefined) {
      if (answer.ok !== true) throw new Error("ctx.query failed: " + show(answer.error));
      return answer.value === undefined ? undefined : parse(stringify(answer.value));
    }
    if (asked === null) throw new TypeError("ctx.query: this call's caller gives nothing to query");
    if (!asked.includes(key)) asked.push(key);
    throw NEED;
  };
  const needs = () => '{"needs":' + stringify(asked) + "}";
  const stillNeeds = () => asked !== null && asked.length > 0;

  const errorOf = (e, kind) => {
    let name = "Error";
    let message = "";
    let stack;
    try {
      if (e instanceof Error) {
        name = String(e.name);
        message = String(e.message);
        stack = String(e.stack);
      } else {
        message = "a non-Error value was thrown: " + show(e);
      }
    } catch {
      message = "an unreadable value was thrown";
    }
    if (kind === "runtime" && name === "RangeError" && MEMORY_RANGE_ERROR.test(message)) kind = "memory";
    return { kind, name, message, stack };
  };
  const fail = (error) => stringify({ ok: false, error, logs: takeLogs() });
  const succeed = (value) => {
    let json;
    try {
      json = stringify(value);
    } catch (e) {
      const error = errorOf(e, "invalid_output");
      error.message = "the result is not JSON-serialisable: " + error.message;
      return fail(error);
    }
    return '{"ok":true,"logs":' + stringify(takeLogs()) + (json === undefined ? "" : ',"value":' + json) + "}";
  };
  const finish = (method, value) => {
    if (method !== "init") return succeed(value);
    state = value === undefined ? {} : value;
    return succeed(undefined);
  };
  const invalid = (message) => fail({ kind: "invalid_policy", name: "Error", message });

  const load = () => {
    const ns = G.__aiosPolicy;
    const p = ns && ns.default;
    if (p === null || typeof p !== "object") return invalid("the module must \`export default definePolicy({ kind, eval })\`");
    if (typeof p.kind !== "string" || typeof p.eval !== "function") return invalid("definePolicy({...}) needs a string \`kind\` and an \`eval\` function");
    if (p.init !== undefined && typeof p.init !== "function") return invalid("\`init\` must be a function");
    if (p.management !== undefined && typeof p.management !== "function") return invalid("\`management\` must be a function");
    policy = p;
    return succeed({ kind: p.kind });
  };
  // Row arrays sent as columns (see row-transfer.ts): rebuilt as the JSON objects they were.
  const heldRows = new Map();
  // One object literal per key list: every row gets the same shape, as JSON.parse would give it.
  const makeFunction = Function;
  const rowMakers = new Map();
  const rowMaker = (keys) => {
    const id = keys.join("\u0000");
    let make = rowMakers.get(id);
    if (make === undefined) {
      if (keys.includes("__proto__")) throw new TypeError("a row key cannot be __proto__");
      make = makeFunction("c", "r", '"use strict"; return {' + keys.map((k, i) => stringify(k) + ": c[" + i + "][r]").join(", ") + "};");
      if (rowMakers.size >= 64) rowMakers.clear();
      rowMakers.set(id, make);
    }
    return make;
  };
  const restoreRows = (a) => {
    const rows = a.rows;
    for (const key of ownKeys(rows)) {
      const e = rows[key];
      const base = heldRows.get(key);
      if (e.b !== undefined && (base === undefined || base.id !== e.b)) return false;
      const keys = e.k === 0 ? base.keys : e.k;
      const cols = [];
      for (let i = 0; i < keys.length; i++) {
        let col = e.c[i];
        if (col === 0) col = base.cols[i];
        else if (!isArray(col)) {
          const d = col.d;
          col = base.cols[i].slice();
          for (let j = 0; j < d.length; j += 2) col[d[j]] = d[j + 1];
        }
        cols.push(col);
      }
      heldRows.set(key, { id: e.id, keys, cols });
      const u = e.u;
      const n = e.n;
      const make = rowMaker(keys);
      const out = new Array(n);
      for (let r = 0; r < n; r++) out[r] = make(cols, r);
      if (u !== undefined) for (const i of ownKeys(u)) for (const r of u[i]) delete out[r][keys[i]];
      a.input[key] = out;
    }
    return true;
  };
  const invoke = (method, a) => {
    if (method === "init") {
      settings = a.settings || {};
      parameters = a.parameters || {};
      state = {};
      return typeof policy.init === "function" ? policy.init({ settings, parameters, log }) : undefined;
    }
    if (method === "eval") {
      asked = a.queryable === true ? [] : null;
      answers = isArray(a.answers) && a.answers.length > 0 ? new Map(a.answers) : null;
      return policy.eval(a.input, { state, settings, parameters, metrics: a.metrics, query, log });
    }
    if (method === "management") return policy.management(a.action, a.data, { state, settings, parameters, log });
    throw new TypeError("unknown sandbox method " + method);
  };
  const isThenable = (v) => v !== null && (typeof v === "object" || typeof v === "function") && typeof v.then === "function";

  const dispatch = (method, argsJson) => {
    logs = [];
    dropped = 0;
    pending = null;
    asked = null;
    try {
      if (method === "load") return load();
      if (policy === null) return invalid("the policy module was not loaded");
      if (method === "management" && typeof policy.management !== "function") return invalid("this policy has no management handler");
      const args = parse(argsJson);
      if (args.rows !== undefined && !restoreRows(args)) return RESEND;
      const result = invoke(method, args);
      if (!isThenable(result)) return stillNeeds() ? needs() : finish(method, result);
      // Resolved by the microtasks that run before this call returns to the host; settle() reads it.
      const slot = { json: null };
      pending = slot;
      apply(promiseThen, promiseResolve(result), [
        (v) => { if (pending === slot) slot.json = stillNeeds() ? needs() : finish(method, v); },
        (e) => { if (pending === slot) slot.json = stillNeeds() ? needs() : fail(errorOf(e, "runtime")); },
      ]);
      return PENDING;
    } catch (e) {
      return stillNeeds() ? needs() : fail(errorOf(e, "runtime"));
    }
  };
  const settle = () => {
    const slot = pending;
    pending = null;
    if (slot !== null && slot.json !== null) return slot.json;
    return fail({ kind: "timeout", name: "Error", message: "the promise returned by the policy never settled: a policy has no timers or I/O, so an async function must resolve within the same call" });
  };
  const drainLogs = () => stringify(takeLogs());
  return { dispatch, settle, drainLogs };
})()`;

export const PENDING_RESULT = '{"pending":true}';
export const RESEND_ROWS = '{"resend":true}';
/** How an answer that asks for ctx.query answers starts: `{"needs":["<query JSON>", ...]}`. */
export const NEEDS_PREFIX = '{"needs":';
