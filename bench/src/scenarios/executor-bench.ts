import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { createExecutor, type Executor, type TBlockRuntimeConfigInput } from "@aios/block-runtime";
import { createLogger } from "@aios/service-kit";
import { Pool } from "undici";
import { type Figures, figuresOf, measure, round, type Scenario, type ScenarioResult } from "../measure";

const INSTANCES = 8;
const TARGET_ADDED_P50_MS = 0.3;
const TARGET_ADDED_P99_MS = 1.5;

/** What differs between the executor-overhead scenarios; the tasks, instances and target are shared. */
export interface ExecutorOverheadSpec {
  name: string;
  /** What the executor does besides its built-in path, for the description ("" for nothing). */
  extra: string;
  /** The block's policies (`AIOS_BLOCK.policies`), loaded by `createExecutor` as in production. */
  policies?: TBlockRuntimeConfigInput["policies"];
  prerequisite?(): string | undefined;
  /** Called once the executor listens, before any task: throws when it is not set up as the scenario says. */
  started?(executor: Executor): void;
  /** Called after the tasks: what went otherwise than the scenario measures, reported beside the figures. */
  finished?(executor: Executor): string | undefined;
  /** Stops what the executor leaves behind once closed (the sandbox child); also when it failed. */
  cleanup?(): void;
  /** Times `balancer.pick` (the instance choice) during the measured tasks and prints it beside them. */
  timePick?: boolean;
}

/** A no-op instance: answers /infer with the packet it got, /health with healthy. */
function noopInstance(): Promise<Server> {
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const body = req.url === "/health" ? '{"status":"healthy"}' : Buffer.concat(chunks);
      res.writeHead(200, { "content-type": "application/json", "content-length": Buffer.byteLength(body) });
      res.end(body);
    });
  });
  return new Promise((r) => server.listen(0, "127.0.0.1", () => r(server)));
}

const portOf = (s: Server) => (s.address() as AddressInfo).port;

/**
 * What the block executor adds to a task: 1 KB JSON tasks through the executor (validation, the
 * instance choice over 8 instances, keep-alive undici pool, metrics) vs the same task straight to
 * one instance, both with a keep-alive undici client, sequential calls, same run.
 */
export function executorOverheadScenario(spec: ExecutorOverheadSpec): Scenario {
  return {
    name: spec.name,
    description: `1 KB JSON task through the block executor${spec.extra} to 1 of ${INSTANCES} no-op instances vs straight to one instance`,
    ...(spec.prerequisite ? { prerequisite: spec.prerequisite } : {}),
    async run(ctx): Promise<ScenarioResult> {
      const servers: Server[] = [];
      let executor: Executor | undefined;
      const pools: Pool[] = [];
      try {
        for (let i = 0; i < INSTANCES; i++) servers.push(await noopInstance());
        executor = await createExecutor({
          block: {
            id: "bench-block",
            minInstances: 1,
            maxInstances: INSTANCES,
            ...(spec.policies ? { policies: spec.policies } : {}),
          },
          log: createLogger({ service: "bench" }, { level: "warn" }),
          instances: servers.map((s, i) => ({ id: `i${i}`, endpoint: `http://127.0.0.1:${portOf(s)}` })),
          settings: { autoscaleIntervalMs: 3_600_000 },
          controlToken: null,
          dataToken: null,
        });
        spec.started?.(executor);
        const viaExecutor = new Pool(executor.url);
        const direct = new Pool(`http://127.0.0.1:${portOf(servers[0]!)}`);
        pools.push(viaExecutor, direct);
        await allHealthy(executor);
        const picks = spec.timePick ? timePicks(executor) : undefined;
        const body = JSON.stringify({
          packet: { session_id: "bench", seq_no: 0, ts: Date.now(), data: { text: "x".repeat(940) } },
        });
        const call = (pool: Pool) => async () => {
          const res = await pool.request({
            path: "/infer",
            method: "POST",
            body,
            headers: { "content-type": "application/json" },
          });
          await res.body.text();
          if (res.statusCode !== 200) throw new Error(`HTTP ${res.statusCode}`);
        };
        const opts = { n: 10_000, warmup: 1_000 };
        const baseline = await measure(call(direct), opts);
        if (picks) picks.length = 0;
        const measured = await measure(call(viaExecutor), opts);
        const pickFigures = picks ? figuresOf(Float64Array.from(picks.slice(opts.warmup)), 1) : undefined;
        const addedP50 = round(measured.p50_ms - baseline.p50_ms);
        const addedP99 = round(measured.p99_ms - baseline.p99_ms);
        const concurrent = {
          executor_per_s: await throughput(call(viaExecutor)),
          direct_per_s: await throughput(call(direct)),
        };
        const problem = spec.finished?.(executor);
        if (problem) ctx.problem(problem);
        process.stderr.write(
          `  added p50 ${addedP50} ms, p99 ${addedP99} ms; 64 concurrent: executor ${concurrent.executor_per_s}/s, direct ${concurrent.direct_per_s}/s\n`,
        );
        if (pickFigures)
          process.stderr.write(
            `  of which the instance choice (balancer.pick): p50 ${pickFigures.p50_ms} ms, p99 ${pickFigures.p99_ms} ms\n`,
          );
        const result = {
          scenario: spec.name,
          measured,
          baseline: { name: "straight to one instance (undici keep-alive)", ...baseline },
          ratio: round(measured.p50_ms / baseline.p50_ms),
          target: `added <= ${TARGET_ADDED_P50_MS} ms p50 and <= ${TARGET_ADDED_P99_MS} ms p99`,
          met: addedP50 <= TARGET_ADDED_P50_MS && addedP99 <= TARGET_ADDED_P99_MS,
          added: { p50_ms: addedP50, p99_ms: addedP99 },
          concurrent,
          ...(pickFigures ? { pick: { p50_ms: pickFigures.p50_ms, p99_ms: pickFigures.p99_ms } } : {}),
        };
        return result;
      } finally {
        for (const pool of pools) await pool.close();
        await executor?.close(1000);
        spec.cleanup?.();
        for (const s of servers) {
          s.closeAllConnections();
          s.close();
        }
      }
    },
  };
}

async function allHealthy(executor: Executor): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (executor.mapper.healthy().length < INSTANCES) {
    if (Date.now() > deadline)
      throw new Error(
        `only ${executor.mapper.healthy().length} of ${INSTANCES} instances became healthy in 30 s`,
      );
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Wraps the executor's `balancer.pick` (the same object its dispatcher calls) to time each choice, in ms. */
function timePicks(executor: Executor): number[] {
  const times: number[] = [];
  const balancer = executor.balancer;
  const pick = balancer.pick.bind(balancer);
  balancer.pick = async (candidates, packet) => {
    const start = performance.now();
    try {
      return await pick(candidates, packet);
    } finally {
      times.push(performance.now() - start);
    }
  };
  return times;
}

/** Tasks per second with 64 callers at once for 2 s (after a short warm-up). */
async function throughput(fn: () => Promise<void>, callers = 64, ms = 2000): Promise<Figures["per_s"]> {
  let done = 0;
  const run = async (until: number, count: boolean) => {
    while (performance.now() < until) {
      await fn();
      if (count) done++;
    }
  };
  const warm = performance.now() + 300;
  await Promise.all(Array.from({ length: callers }, () => run(warm, false)));
  const start = performance.now();
  await Promise.all(Array.from({ length: callers }, () => run(start + ms, true)));
  return Math.round((done * 1000) / (performance.now() - start));
}
