import type { ApiClient } from "@aios/client";
import type { TPolicyCallResult } from "@aios/contracts";
import {
  compilePolicy,
  PolicyError,
  policyCallResult,
  policyErrorInfo,
  type SandboxLimits,
} from "@aios/policy-runtime";
import { openPolicyInstance, type SandboxProcess } from "@aios/policy-runtime/sandbox";
import type { Logger } from "@aios/service-kit";

type Instance = Awaited<ReturnType<typeof openPolicyInstance>>;
interface Source {
  code: string;
  kind: string;
  settings: Record<string, unknown>;
  parameters: Record<string, unknown>;
}

export const DEFAULT_STABILITY_INTERVAL_MS = 30_000;

export interface StabilityChecker {
  /** The policy's `management(action, data)` reply, as a service answers a command. */
  management(action: string, data: unknown): Promise<{ service: string; status: number; reply: unknown }>;
  stop(): void;
}

/**
 * The cluster's stability checker: while the cluster's spec names a clusterStability policy
 * (`config.stabilityChecker`), runs it periodically over the cluster's nodes and reports each
 * verdict. One warm instance is kept (its state carries over between checks and management
 * commands) until the policy, its settings or its parameters change. A failing policy is a failed
 * check, reported with its error; it never stops the agent.
 */
export function startStabilityChecker(deps: {
  api: ApiClient;
  clusterId: string;
  log: Logger;
  limits: Partial<SandboxLimits>;
  /** The sandbox child the policy runs in (the workload user's, without the agent's environment). */
  sandbox?: SandboxProcess;
  /** Fixed interval (tests); otherwise the policy's `intervalSeconds` parameter, else 30 s. */
  intervalMs?: number | undefined;
}): StabilityChecker {
  const { api, clusterId, log, limits } = deps;
  let loaded: { key: string; uri: string; instance: Instance } | null = null;
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  // Checks and commands take turns on the one instance.
  let turn: Promise<unknown> = Promise.resolve();
  const serial = <T>(fn: () => Promise<T>): Promise<T> => {
    const next = turn.then(fn, fn);
    turn = next.catch(() => undefined);
    return next;
  };

  const unload = () => {
    loaded?.instance.dispose();
    loaded = null;
  };

  /** The warm instance of this policy version with these values; loaded (and init run) when new. */
  const load = async (uri: string, source: Source): Promise<Instance> => {
    const key = JSON.stringify([uri, source.code, source.settings, source.parameters]);
    if (loaded?.key === key) return loaded.instance;
    unload();
    const instance = await openPolicyInstance(await compilePolicy(source.code, `${uri}.ts`), {
      limits,
      ...(deps.sandbox ? { process: deps.sandbox } : {}),
    });
    if (instance.kind !== "clusterStability") {
      instance.dispose();
      throw new PolicyError(
        "invalid_policy",
        `policy ${uri} is a ${instance.kind} policy; config.stabilityChecker needs a clusterStability policy`,
      );
    }
    const init = await instance.init(source.settings, source.parameters);
    if (!init.ok) {
      instance.dispose();
      throw init.error;
    }
    loaded = { key, uri, instance };
    return instance;
  };

  const intervalOf = (source: Source | undefined) => {
    if (deps.intervalMs) return deps.intervalMs;
    const seconds = Number(source?.parameters.intervalSeconds);
    return Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : DEFAULT_STABILITY_INTERVAL_MS;
  };

  /** Runs one check; answers when the next one is due. */
  const check = async (): Promise<number> => {
    const work = await api.agents.work.clusterStability.query({ clusterId });
    if (!work.checker || !work.input) {
      unload();
      return intervalOf(undefined);
    }
    const { policyRuleURI, source } = work.checker;
    const input = work.input;
    const t0 = performance.now();
    const result = await serial(async (): Promise<TPolicyCallResult> => {
      try {
        // ctx.query: its own cluster's metrics, read through the API with the agent's token.
        const query = (q: unknown) => api.agents.work.metricsQuery.query({ clusterId, query: q });
        const r = await (await load(policyRuleURI, source)).eval(input, { query });
        if (!r.ok && (r.error.kind === "timeout" || r.error.kind === "memory")) unload();
        return policyCallResult(r);
      } catch (err) {
        return {
          ok: false,
          error: policyErrorInfo(err as Error),
          logs: [],
          durationMs: performance.now() - t0,
        };
      }
    });
    const verdict = await api.agents.work.reportClusterStability.mutate({ clusterId, policyRuleURI, result });
    if (!verdict.ok) log.warn("stability check failed", { policyRuleURI, err: verdict.error.message });
    return intervalOf(source);
  };

  const tick = async () => {
    let next = intervalOf(undefined);
    try {
      next = await check();
    } catch (err) {
      log.warn("stability check could not run", { err: (err as Error).message });
    }
    if (!stopped) timer = setTimeout(tick, next);
  };
  timer = setTimeout(tick, 0);

  return {
    async management(action, data) {
      const service = "stability_checker";
      const work = await api.agents.work.clusterStability.query({ clusterId });
      if (!work.checker) {
        return {
          service,
          status: 404,
          reply: { error: `cluster ${clusterId} has no config.stabilityChecker` },
        };
      }
      const { policyRuleURI, source } = work.checker;
      return serial(async () => {
        try {
          const r = await (await load(policyRuleURI, source)).management(action, data);
          return r.ok
            ? { service, status: 200, reply: r.value }
            : { service, status: 500, reply: { error: policyErrorInfo(r.error) } };
        } catch (err) {
          return { service, status: 500, reply: { error: policyErrorInfo(err as Error) } };
        }
      });
    },
    stop() {
      stopped = true;
      clearTimeout(timer);
      unload();
    },
  };
}
