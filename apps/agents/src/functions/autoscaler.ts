import { type ApiClient, describeApiError } from "@aios/client";
import { autoscaledReplicas } from "@aios/contracts";
import { controlHeaders, type Logger } from "@aios/service-kit";
import type { AutoscaledFunction } from "./supervisor";

/** How long a replica's `/load` may take before it counts as no answer. */
const LOAD_TIMEOUT_MS = 2_000;

/** One replica's answer to `GET /load`; null when it gave none. */
async function replicaLoad(r: AutoscaledFunction["ready"][number]): Promise<number | null> {
  try {
    const res = await fetch(`${r.endpoint}/load`, {
      headers: controlHeaders(r.controlToken),
      signal: AbortSignal.timeout(LOAD_TIMEOUT_MS),
    });
    if (!res.ok) return null;
    const body = (await res.json()) as { averageInFlight?: unknown };
    return typeof body.averageInFlight === "number" ? body.averageInFlight : null;
  } catch {
    return null;
  }
}

/**
 * Execution type 4's autoscaling, acted on by the agent holding the cluster's duties: every
 * `intervalMs` it reads each ready replica's average calls in flight since its last reading, and
 * asks the API for the replicas the function's rules want (`agents.work.autoscaleFunction`): more
 * at once, fewer only once fewer were enough for the rules' `scaleDownSeconds`. No reading from
 * any replica (none ready yet, or none answered) decides nothing.
 */
export function startFunctionAutoscaler(opts: {
  api: ApiClient;
  log: Logger;
  functions: () => AutoscaledFunction[];
  intervalMs: number;
}) {
  /** Per function: since when fewer replicas were enough, and the most of them wanted since. */
  const lower = new Map<string, { since: number; wanted: number }>();
  let running = false;

  async function decide(fn: AutoscaledFunction): Promise<void> {
    const loads = (await Promise.all(fn.ready.map(replicaLoad))).filter((l): l is number => l !== null);
    if (loads.length === 0) return;
    const total = loads.reduce((a, b) => a + b, 0);
    const wanted = autoscaledReplicas(fn.autoscaling, total);
    let ask: number | null = null;
    if (wanted > fn.replicas) ask = wanted;
    if (wanted >= fn.replicas) lower.delete(fn.name);
    else {
      const low = lower.get(fn.name);
      if (!low) lower.set(fn.name, { since: Date.now(), wanted });
      else {
        low.wanted = Math.max(low.wanted, wanted);
        if (Date.now() - low.since >= fn.autoscaling.scaleDownSeconds * 1000) ask = low.wanted;
      }
    }
    if (ask === null) return;
    await opts.api.agents.work.autoscaleFunction.mutate({ name: fn.name, replicas: ask });
    lower.delete(fn.name);
    opts.log.info("function autoscaled", {
      name: fn.name,
      from: fn.replicas,
      to: ask,
      averageInFlight: Number(total.toFixed(2)),
      targetInFlight: fn.autoscaling.targetInFlight,
    });
  }

  const timer = setInterval(() => {
    if (running) return;
    running = true;
    const fns = opts.functions();
    for (const name of lower.keys()) if (!fns.some((f) => f.name === name)) lower.delete(name);
    void Promise.all(
      fns.map((fn) =>
        decide(fn).catch((err) =>
          opts.log.warn("function autoscaling failed", { name: fn.name, error: describeApiError(err) }),
        ),
      ),
    ).finally(() => {
      running = false;
    });
  }, opts.intervalMs);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
