import { Pool } from "undici";
import { type Figures, figuresOf, round, type Scenario, type ScenarioResult } from "../measure";
import { type ExecutorStatus, type Stack, startStack } from "./dataplane-stack";

const BLOCK = "bench-echo";
const N = 2_000;
const CONCURRENCY = 32;
/**
 * Requests of each side before the figures: the processes' hot paths take a few thousand calls to
 * be compiled (the API's first 2,000 calls cost it 3 to 4 times the CPU of later ones).
 */
const WARMUP = 4_000;
/** Each side's N requests are sent in this many turns, the sides alternating: a noisy moment lands on both. */
const TURNS = 4;
const TARGET_RATIO = 0.7;

interface Side {
  name: string;
  pool: Pool;
  path: string;
  headers: Record<string, string>;
}

/** A packet both sides take as it is (the API also takes the short form `{data}`). */
const body = () =>
  JSON.stringify({
    packet: { session_id: "bench", seq_no: 0, ts: Date.now(), data: { message: "hello from the bench" } },
  });

/** `n` requests with `concurrency` callers at once: each request's time (ms) and the elapsed time. */
async function load(side: Side, n: number, concurrency: number) {
  const samples = new Float64Array(n);
  let next = 0;
  const failures: string[] = [];
  const caller = async () => {
    for (let i = next++; i < n; i = next++) {
      const s = performance.now();
      const res = await side.pool.request({
        path: side.path,
        method: "POST",
        headers: side.headers,
        body: body(),
      });
      const text = await res.body.text();
      samples[i] = performance.now() - s;
      if (res.statusCode !== 200 && failures.length < 3)
        failures.push(`HTTP ${res.statusCode} ${text.slice(0, 200)}`);
    }
  };
  const t0 = performance.now();
  await Promise.all(Array.from({ length: concurrency }, caller));
  const elapsed = performance.now() - t0;
  if (failures.length > 0) throw new Error(`${side.name}: ${failures.join("; ")}`);
  return { samples, elapsed };
}

/** Both sides in alternating turns; each side's figures over all its turns. */
async function inTurns(sides: Side[]): Promise<Figures[]> {
  for (const side of sides) await load(side, WARMUP, CONCURRENCY);
  const per = Math.ceil(N / TURNS);
  const all = sides.map(() => ({ samples: new Float64Array(N), elapsed: 0, filled: 0 }));
  for (let t = 0; t < TURNS; t++) {
    for (const [i, side] of sides.entries()) {
      const acc = all[i] as (typeof all)[number];
      const turn = await load(side, Math.min(per, N - acc.filled), CONCURRENCY);
      acc.samples.set(turn.samples, acc.filled);
      acc.filled += turn.samples.length;
      acc.elapsed += turn.elapsed;
    }
  }
  return all.map((a) => figuresOf(a.samples, a.elapsed));
}

/** What the block's autoscaler saw while `work` ran: the largest figures of its rounds (polled). */
async function watchAutoscaler<T>(stack: Stack, work: () => Promise<T>) {
  const seen = { avgInFlight: 0, inFlight: 0, queueLength: 0, rounds: 0 };
  let polling = true;
  const poll = (async () => {
    while (polling) {
      const s: ExecutorStatus | null = await stack.status().catch(() => null);
      const m = s?.autoscaler.metrics;
      if (m) {
        seen.avgInFlight = Math.max(seen.avgInFlight, round(m.avgInFlight));
        seen.inFlight = Math.max(seen.inFlight, m.inFlight);
        seen.queueLength = Math.max(seen.queueLength, m.queueLength);
        seen.rounds = s?.autoscaler.rounds ?? 0;
      }
      await new Promise((r) => setTimeout(r, 250));
    }
  })();
  try {
    return { result: await work(), seen };
  } finally {
    polling = false;
    await poll;
  }
}

/**
 * The data plane under concurrency: N requests to a real echo block at CONCURRENCY at once through
 * a real API process (`POST /v1/blocks/<id>/infer` with a data key scoped to the block) vs straight
 * to the block's executor (its `/infer` with its data token), in alternating turns of the same run.
 * The agent starts the executor and the instance as processes, as for any block. The block's
 * autoscaler runs every second (one instance, maxInstances 1: the two sides see the same block);
 * what it saw is printed beside the figures.
 */
export const dataplaneBlock: Scenario = {
  name: "dataplane.block-c32",
  description: `${N} requests to an echo block at concurrency ${CONCURRENCY} through the API's data plane vs straight to its executor`,
  async run(ctx): Promise<ScenarioResult> {
    const stack = await startStack({
      blockId: BLOCK,
      block: {
        minInstances: 1,
        maxInstances: 1,
        initSettings: { autoscalerIntervalSeconds: 1 },
      },
      // The per-key limit (500/s by default) would be what is measured: raised, its check stays in the path.
      apiEnv: { AIOS_RATE_LIMIT_INFER: "1000000/s:1000000" },
    });
    const pools: Pool[] = [];
    try {
      const pool = (url: string) => {
        const p = new Pool(url, { connections: CONCURRENCY });
        pools.push(p);
        return p;
      };
      const json = { "content-type": "application/json" };
      const viaApi: Side = {
        name: "through the API",
        pool: pool(stack.apiUrl),
        path: `/v1/blocks/${BLOCK}/infer`,
        headers: { ...json, authorization: `Bearer ${stack.dataKey}` },
      };
      const direct: Side = {
        name: "straight to the executor",
        pool: pool(stack.executor.url),
        path: "/infer",
        headers: {
          ...json,
          ...(stack.executor.dataToken ? { authorization: `Bearer ${stack.executor.dataToken}` } : {}),
        },
      };
      const { result, seen } = await watchAutoscaler(stack, () => inTurns([viaApi, direct]));
      const [measured, baseline] = result as [Figures, Figures];
      const ratio = round(measured.per_s / baseline.per_s);
      const status = await stack.status();
      const instanceP50 = status.instances.flatMap((i) =>
        i.latencyP50Ms === null ? [] : [round(i.latencyP50Ms)],
      );
      process.stderr.write(
        `  throughput ${measured.per_s}/s through the API vs ${baseline.per_s}/s straight (${ratio}x); ` +
          `executor's p50 to its instance ${instanceP50.join(", ")} ms; over both sides' turns the autoscaler saw at most ` +
          `avgInFlight ${seen.avgInFlight}, inFlight ${seen.inFlight}, queueLength ${seen.queueLength} (${seen.rounds} rounds)\n`,
      );
      return {
        scenario: this.name,
        measured,
        baseline: { name: "straight to the block's executor", ...baseline },
        // Throughput, not p50: what the data plane carries at this concurrency.
        ratio,
        target: `throughput >= ${TARGET_RATIO}x of straight to the executor`,
        met: ratio >= TARGET_RATIO,
      };
    } finally {
      for (const p of pools) await p.close().catch(() => undefined);
      const killed = await stack.stop();
      if (killed.length > 0) ctx.problem(`had to kill what the stack left running: ${killed.join(", ")}`);
    }
  },
};
