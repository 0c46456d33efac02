import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { createExecutor } from "@aios/block-runtime";
import { createLogger } from "@aios/service-kit";
import { Pool } from "undici";
import { type Figures, measure, round, type Scenario, type ScenarioResult } from "../measure";

const INSTANCES = 8;
const TARGET_ADDED_P50_MS = 0.3;
const TARGET_ADDED_P99_MS = 1.5;

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
 * What the block executor adds to a task: 1 KB JSON tasks through the executor (validation,
 * round robin over 8 instances, keep-alive undici pool, metrics) vs the same task straight to one
 * instance, both with a keep-alive undici client, sequential calls, same run.
 */
export const executorOverhead: Scenario = {
  name: "executor.overhead",
  description: `1 KB JSON task through the block executor to 1 of ${INSTANCES} no-op instances vs straight to one instance`,
  async run(): Promise<ScenarioResult> {
    const servers: Server[] = [];
    let executor: Awaited<ReturnType<typeof createExecutor>> | undefined;
    const pools: Pool[] = [];
    try {
      for (let i = 0; i < INSTANCES; i++) servers.push(await noopInstance());
      executor = await createExecutor({
        block: { id: "bench-block", minInstances: 1, maxInstances: INSTANCES },
        log: createLogger({ service: "bench" }, { level: "warn" }),
        instances: servers.map((s, i) => ({ id: `i${i}`, endpoint: `http://127.0.0.1:${portOf(s)}` })),
        settings: { autoscaleIntervalMs: 3_600_000 },
        controlToken: null,
        dataToken: null,
      });
      const viaExecutor = new Pool(executor.url);
      const direct = new Pool(`http://127.0.0.1:${portOf(servers[0]!)}`);
      pools.push(viaExecutor, direct);
      const deadline = Date.now() + 30_000;
      while (executor.mapper.healthy().length < INSTANCES) {
        if (Date.now() > deadline)
          throw new Error(
            `only ${executor.mapper.healthy().length} of ${INSTANCES} instances became healthy in 30 s`,
          );
        await new Promise((r) => setTimeout(r, 20));
      }
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
      const measured = await measure(call(viaExecutor), opts);
      const addedP50 = round(measured.p50_ms - baseline.p50_ms);
      const addedP99 = round(measured.p99_ms - baseline.p99_ms);
      const concurrent = {
        executor_per_s: await throughput(call(viaExecutor)),
        direct_per_s: await throughput(call(direct)),
      };
      process.stderr.write(
        `  added p50 ${addedP50} ms, p99 ${addedP99} ms; 64 concurrent: executor ${concurrent.executor_per_s}/s, direct ${concurrent.direct_per_s}/s\n`,
      );
      const result = {
        scenario: this.name,
        measured,
        baseline: { name: "straight to one instance (undici keep-alive)", ...baseline },
        ratio: round(measured.p50_ms / baseline.p50_ms),
        target: `added <= ${TARGET_ADDED_P50_MS} ms p50 and <= ${TARGET_ADDED_P99_MS} ms p99`,
        met: addedP50 <= TARGET_ADDED_P50_MS && addedP99 <= TARGET_ADDED_P99_MS,
        added: { p50_ms: addedP50, p99_ms: addedP99 },
        concurrent,
      };
      return result;
    } finally {
      for (const pool of pools) await pool.close();
      await executor?.close(1000);
      for (const s of servers) {
        s.closeAllConnections();
        s.close();
      }
    }
  },
};

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
