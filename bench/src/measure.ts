/** Latency samples of sequential calls, after a warm-up, as the figures every scenario reports. */
export interface Figures {
  p50_ms: number;
  p99_ms: number;
  per_s: number;
  n: number;
}

export async function measure(
  fn: () => Promise<unknown>,
  opts: { n: number; warmup: number },
): Promise<Figures> {
  for (let i = 0; i < opts.warmup; i++) await fn();
  const samples = new Float64Array(opts.n);
  const t0 = performance.now();
  for (let i = 0; i < opts.n; i++) {
    const s = performance.now();
    await fn();
    samples[i] = performance.now() - s;
  }
  return figuresOf(samples, performance.now() - t0);
}

/** The figures of latency samples (ms) taken over `elapsedMs`. */
export function figuresOf(samples: Float64Array, elapsedMs: number): Figures {
  samples.sort();
  return {
    p50_ms: round(quantile(samples, 0.5)),
    p99_ms: round(quantile(samples, 0.99)),
    per_s: Math.round((samples.length / elapsedMs) * 1000),
    n: samples.length,
  };
}

function quantile(sorted: Float64Array, q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;
}

export const round = (x: number) => Math.round(x * 1000) / 1000;

export interface ScenarioResult {
  scenario: string;
  measured: Figures;
  baseline: Figures & { name: string };
  /** measured / baseline, on p50 latency. */
  ratio: number;
  target: string;
  met: boolean;
}

/** What the runner gives a scenario while it runs. */
export interface ScenarioContext {
  /**
   * Records something that went wrong beside the figures (processes it had to kill when stopping,
   * say): the scenario's result is then not met, with this reason, and the bench exits 1.
   */
  problem(reason: string): void;
}

export interface Scenario {
  name: string;
  description: string;
  /**
   * Checked before anything starts: why the scenario cannot run here (a program it needs is
   * missing), or undefined when it can.
   */
  prerequisite?(): string | undefined;
  /** Stops everything it starts before it settles, also when it throws. */
  run(ctx: ScenarioContext): Promise<ScenarioResult>;
}

/**
 * `n` calls with `concurrency` in flight at a time (after `warmup` calls the same way): each call's
 * latency, and the rate over them all.
 */
export async function measureInFlight(
  fn: () => Promise<unknown>,
  opts: { n: number; warmup?: number; concurrency: number },
): Promise<Figures> {
  const run = async (n: number, samples: Float64Array | null) => {
    let next = 0;
    await Promise.all(
      Array.from({ length: opts.concurrency }, async () => {
        for (let i = next++; i < n; i = next++) {
          const started = performance.now();
          await fn();
          if (samples) samples[i] = performance.now() - started;
        }
      }),
    );
  };
  if (opts.warmup) await run(opts.warmup, null);
  const samples = new Float64Array(opts.n);
  const t0 = performance.now();
  await run(opts.n, samples);
  return figuresOf(samples, performance.now() - t0);
}
