import type { TPolicyKind } from "@aios/contracts";
import { compilePolicy } from "./compile";
import { isPolicyError, PolicyError } from "./errors";
import { loadPolicyInstance, type SandboxProcess } from "./sandbox";
import type { PolicyQuery } from "./sandbox/query-rounds";
import type { CallResult, PolicyInstance, SandboxIsolation, SandboxLimits } from "./sandbox/types";

/** A stored policy as the host needs it (the Policies registry's record, trimmed). */
export interface PolicySource {
  policyRuleURI: string;
  code: string;
  kind: TPolicyKind;
  settings?: object;
  parameters?: object;
}

export interface PolicyOverrides {
  settings?: object;
  parameters?: object;
}

export interface PolicyHostOptions {
  /** Called on every load and execute (to see new versions): make it cheap or cache it. */
  resolve: (uri: string) => Promise<PolicySource>;
  limits?: Partial<SandboxLimits>;
  /** Default "process" (crash-contained); "in-process" for hot paths such as a load balancer. */
  isolation?: SandboxIsolation;
  process?: SandboxProcess;
  /** Warm isolates kept for execute(); the least recently used one is disposed past it. */
  maxWarm?: number;
  /**
   * Told of every execute() once it is answered (its policy's kind, its time from the call,
   * whether it succeeded): the caller's metrics, without this package depending on any.
   */
  observe?: (evaluation: { kind: TPolicyKind; seconds: number; ok: boolean }) => void;
}

export interface PolicyHost {
  load(uri: string, overrides?: PolicyOverrides): Promise<PolicyInstance>;
  /**
   * A stateless call. `trustedInput`: the caller built the input itself (the management plane's
   * placement, say), so it is not checked against the kind's input schema (the output always is).
   */
  execute(
    uri: string,
    input: unknown,
    overrides?: PolicyOverrides,
    opts?: { trustedInput?: boolean; query?: PolicyQuery },
  ): Promise<CallResult<unknown>>;
  dispose(): void;
}

interface Warm {
  ready: Promise<{ instance: PolicyInstance; settings: object; parameters: object }>;
  /** Calls made and not yet answered: an evicted instance is disposed once they are. */
  calls: Set<Promise<unknown>>;
}

/** Execution types 1 (load: a stateful instance the caller keeps) and 2 (execute: stateless). */
export function createPolicyHost(opts: PolicyHostOptions): PolicyHost {
  const loaded = new Set<PolicyInstance>();
  const warm = new Map<string, Warm>();
  const maxWarm = opts.maxWarm ?? 64;

  async function instantiate(source: PolicySource, overrides: PolicyOverrides = {}) {
    const compiled = await compilePolicy(source.code, `${source.policyRuleURI}.ts`);
    // The caller's values win over the stored defaults (the original merged it the other way).
    const settings = { ...source.settings, ...overrides.settings };
    const parameters = { ...source.parameters, ...overrides.parameters };
    const instance = await loadPolicyInstance(compiled, { ...opts, settings, parameters });
    if (instance.kind !== source.kind) {
      instance.dispose();
      const message = `${source.policyRuleURI} is registered as "${source.kind}" but its module declares "${instance.kind}"`;
      throw new PolicyError("invalid_policy", message);
    }
    return { instance, settings, parameters };
  }

  return {
    async load(uri, overrides) {
      const { instance } = await instantiate(await opts.resolve(uri), overrides);
      loaded.add(instance);
      const dispose = instance.dispose.bind(instance);
      instance.dispose = () => {
        loaded.delete(instance);
        dispose();
      };
      return instance;
    },

    async execute(uri, input, overrides = {}, call = {}) {
      const t0 = performance.now();
      const source = await opts.resolve(uri);
      const key = `${sourceKey(uri, source)}${JSON.stringify(overrides)}`;
      let entry = warm.get(key);
      if (entry) {
        warm.delete(key);
      } else {
        const made = instantiate(source, overrides);
        entry = { ready: made, calls: new Set() };
        made.catch(() => warm.delete(key));
      }
      warm.set(key, entry);
      evictBeyond(warm, maxWarm);
      const { ready, calls } = entry;
      // No queue: evalFresh is one message to the isolate (init, then eval), and an isolate answers
      // its messages one at a time in the order they came, so calls never interleave.
      const run = ready.then(
        ({ instance, settings, parameters }) =>
          instance.evalFresh(settings, parameters, input, {
            trustedInput: call.trustedInput === true,
            ...(call.query ? { query: call.query } : {}),
          }),
        (e: unknown): CallResult<unknown> => {
          if (!isPolicyError(e)) throw e;
          return { ok: false, error: e, logs: [], durationMs: performance.now() - t0 };
        },
      );
      calls.add(run);
      void run.finally(() => calls.delete(run)).catch(() => undefined);
      if (opts.observe) {
        const observe = opts.observe;
        const told = (ok: boolean) => {
          try {
            observe({ kind: source.kind, seconds: (performance.now() - t0) / 1000, ok });
          } catch {
            // an observer's failure is not the call's
          }
        };
        run.then(
          (r) => told(r.ok),
          () => told(false),
        );
      }
      return run;
    },

    dispose() {
      for (const instance of [...loaded]) instance.dispose();
      for (const entry of warm.values())
        void entry.ready.then(
          (r) => r.instance.dispose(),
          () => undefined,
        );
      warm.clear();
    },
  };
}

/**
 * What tells warm isolates apart, but for the caller's overrides: the policy's code and stored
 * values. Kept per source object, so a resolver that hands out the same object for a version
 * (policies are immutable) does not serialize its code on every call.
 */
const sourceKeys = new WeakMap<PolicySource, string>();
function sourceKey(uri: string, source: PolicySource): string {
  let key = sourceKeys.get(source);
  if (key === undefined) {
    key = JSON.stringify([source.code, source.settings, source.parameters]);
    sourceKeys.set(source, key);
  }
  return `${JSON.stringify(uri)},${key},`;
}

function evictBeyond(warm: Map<string, Warm>, max: number): void {
  while (warm.size > max) {
    const [key, entry] = warm.entries().next().value as [string, Warm];
    warm.delete(key);
    void Promise.allSettled([...entry.calls])
      .then(() => entry.ready)
      .then(
        (r) => r.instance.dispose(),
        () => undefined,
      );
  }
}

/** Convenience: load one policy from its source, without a registry. */
export function loadPolicy(
  source: PolicySource,
  overrides?: PolicyOverrides,
  opts: Omit<PolicyHostOptions, "resolve"> = {},
): Promise<PolicyInstance> {
  return createPolicyHost({ ...opts, resolve: async () => source }).load(source.policyRuleURI, overrides);
}
