import { type Logger, type SupervisedChild, startChild } from "@aios/service-kit";
import type { Reaper } from "./reaper";

export interface ServiceSpec {
  name: string;
  args: string[];
  env: Record<string, string>;
  cwd: string;
}

export interface ServiceDeps {
  log: Logger;
  reaper: Reaper;
  /** True once a deliberate stop (Ctrl-C, SIGTERM) has begun: exits are expected then. */
  isStopping(): boolean;
  print(source: string, line: string): void;
}

/** First restart delay; it doubles on each crash up to the cap, and resets after a stable run. */
export const RESTART_BACKOFF = { firstMs: 1_000, maxMs: 30_000, stableMs: 60_000 };

export function nextRestartDelay(previousMs: number | null, ranMs: number): number {
  if (previousMs === null || ranMs >= RESTART_BACKOFF.stableMs) return RESTART_BACKOFF.firstMs;
  return Math.min(RESTART_BACKOFF.maxMs, previousMs * 2);
}

function startTracked(spec: ServiceSpec, deps: ServiceDeps): SupervisedChild {
  const child = startChild({
    name: spec.name,
    command: process.execPath,
    args: spec.args,
    cwd: spec.cwd,
    env: spec.env,
    onLine: (line) => deps.print(spec.name, line),
  });
  deps.reaper.track(spec.name, child.pid);
  void child.exited.then(() => deps.reaper.untrack(child.pid));
  return child;
}

/** Runs a step to completion (the bootstrap, the console build); a non-zero exit is an error. */
export async function runStep(
  spec: ServiceSpec,
  deps: ServiceDeps,
  register: (stop: () => Promise<void>) => void,
) {
  const child = startTracked(spec, deps);
  register(() => child.stop());
  const { code, signal } = await child.exited;
  if (code !== 0) throw new Error(`${spec.name} failed (exit ${code ?? signal})`);
}

/**
 * Keeps a long-running service up: a crash (an exit nobody asked for) is logged and the service is
 * started again after a backoff, so a killed agent comes back and adopts its workloads, a killed API
 * comes back on the same port. Only `stop()` (the launcher's own shutdown) ends it.
 */
export function superviseService(spec: ServiceSpec, deps: ServiceDeps) {
  let current = startTracked(spec, deps);
  let stopped = false;
  let pending: NodeJS.Timeout | null = null;
  let delay: number | null = null;
  let restarts = 0;

  const watch = (child: SupervisedChild, startedAt: number) => {
    void child.exited.then(({ code, signal }) => {
      if (stopped || deps.isStopping()) return;
      delay = nextRestartDelay(delay, Date.now() - startedAt);
      restarts++;
      deps.log.error(`${spec.name} exited unexpectedly; restarting`, {
        code,
        signal,
        delayMs: delay,
        restarts,
      });
      pending = setTimeout(() => {
        pending = null;
        if (stopped || deps.isStopping()) return;
        current = startTracked(spec, deps);
        watch(current, Date.now());
      }, delay);
    });
  };
  watch(current, Date.now());

  return {
    get pid() {
      return current.pid;
    },
    get restarts() {
      return restarts;
    },
    async stop(timeoutMs?: number) {
      stopped = true;
      if (pending) clearTimeout(pending);
      await current.stop(timeoutMs);
    },
  };
}
