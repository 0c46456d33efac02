import type { TPolicyInput, TPolicyKind, TPolicyOutput } from "@aios/contracts";

/** `log(...)` and `console.*` inside a policy: captured per call and returned with the result. */
export interface PolicyLog {
  (...args: unknown[]): void;
  info(...args: unknown[]): void;
  warn(...args: unknown[]): void;
  error(...args: unknown[]): void;
  debug(...args: unknown[]): void;
}

export type PolicySettings = Record<string, unknown>;

export interface PolicyInitContext {
  settings: PolicySettings;
  parameters: PolicySettings;
  log: PolicyLog;
}

export interface PolicyCallContext<S> extends PolicyInitContext {
  /** What init returned (`{}` without init); mutate it to keep state between evals. */
  state: S;
  /** Whatever the caller passed as `ctx.metrics` (block/cluster metrics for the kinds that get them). */
  metrics?: unknown;
  /**
   * A read-only query the caller answers (for the kinds that decide with metrics: a metrics query,
   * `{entity, filter?, clusterId?, ids?, limit?, store?}` or `{series: {...}}`; `store: "cluster"` reads
   * the cluster's own store, its nodes' recent samples), answered synchronously.
   * The call runs again once the answers are in, so ask before changing `state`. Throws when the
   * caller gives nothing to query, or when the query failed.
   */
  query<T = unknown>(query: object): T;
}

type Awaitable<T> = T | Promise<T>;

/**
 * One policy module. eval may be async, but a policy has no timers or I/O, so its promise must
 * settle within the same call (its microtasks run inside the call's CPU-time budget).
 */
export interface PolicyModule<K extends TPolicyKind, S = unknown> {
  kind: K;
  init?(ctx: PolicyInitContext): Awaitable<S>;
  eval(input: TPolicyInput<K>, ctx: PolicyCallContext<S>): Awaitable<TPolicyOutput<K>>;
  management?(action: string, data: unknown, ctx: Omit<PolicyCallContext<S>, "query">): unknown;
}

/** Identity: it only gives the module its types. The sandbox resolves the import to the same thing. */
export function definePolicy<K extends TPolicyKind, S = unknown>(p: PolicyModule<K, S>): PolicyModule<K, S> {
  return p;
}

/** The module the compiler substitutes for "@aios/policy-runtime" inside a policy bundle. */
export const POLICY_RUNTIME_SHIM = "export const definePolicy = (p) => p;\n";
