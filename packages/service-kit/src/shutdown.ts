import type { Logger } from "./logger";

type Step = { name: string; run: () => Promise<void> | void };

/**
 * Deliberate shutdown: on SIGINT/SIGTERM, stop taking work and run the registered steps in reverse
 * order of registration (last started, first stopped), each bounded in time, then exit.
 */
export function onShutdown(
  log: Logger,
  opts: {
    timeoutMs?: number;
    /** Called once every step has run, before the process exits. */
    onStopped?: () => void;
  } = {},
) {
  const steps: Step[] = [];
  let stopping: Promise<void> | null = null;
  const stop = (reason: string): Promise<void> => {
    stopping ??= (async () => {
      log.info("shutting down", { reason });
      for (const step of steps.reverse()) {
        try {
          await withTimeout(Promise.resolve(step.run()), opts.timeoutMs ?? 10_000);
        } catch (err) {
          log.warn("shutdown step failed", { step: step.name, err });
        }
      }
      opts.onStopped?.();
    })();
    return stopping;
  };
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    // Keep handling: a Ctrl-C reaches us twice (from the terminal's process group and forwarded by
    // npm), and the default action of the second would kill us halfway through stopping children.
    process.on(signal, () => {
      if (stopping) {
        log.info("already shutting down", { signal });
        return;
      }
      void stop(signal).then(() => process.exit(0));
    });
  }
  return {
    /** True once shutdown has begun: children exiting now are expected to. */
    isStopping: () => stopping !== null,
    add(name: string, run: Step["run"]) {
      steps.push({ name, run });
    },
    stop,
  };
}

function withTimeout(p: Promise<void>, ms: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
    p.then(
      () => {
        clearTimeout(t);
        resolve();
      },
      (e) => {
        clearTimeout(t);
        reject(e);
      },
    );
  });
}
