import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { TVdagControllerConfig, TVdagPlanNode } from "@aios/contracts";
import { createLogger } from "@aios/service-kit";
import { createVdagController } from "@aios/vdag-runtime";
import { Pool } from "undici";
import { measure, round, type Scenario, type ScenarioResult } from "../measure";

const TARGET_P50_MS = 0.5;
const TARGET_P99_MS = 2;

/** A no-op block executor: answers /infer with `{packet}` as it came, /health with healthy. */
export function noopBlock(): Promise<Server> {
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      let body: string;
      if (req.url === "/health") body = '{"status":"healthy","instances":{"healthy":1,"total":1}}';
      else
        body = JSON.stringify({
          packet: (JSON.parse(Buffer.concat(chunks).toString()) as { packet: unknown }).packet,
        });
      res.writeHead(200, {
        "content-type": "application/json",
        "content-length": Buffer.byteLength(body),
        "x-aios-instance-id": "in-0000",
      });
      res.end(body);
    });
  });
  return new Promise((r) => server.listen(0, "127.0.0.1", () => r(server)));
}

const urlOf = (s: Server) => `http://127.0.0.1:${(s.address() as AddressInfo).port}`;

export function chainConfig(blocks: Server[]): TVdagControllerConfig {
  const labels = blocks.map((_, i) => `n${i}`);
  const nodes: Record<string, TVdagPlanNode> = {};
  blocks.forEach((b, i) => {
    const label = labels[i] as string;
    const next = i + 1 < labels.length ? [labels[i + 1] as string] : [];
    nodes[label] = {
      label,
      blockId: `blk-${i}`,
      executorEndpoint: urlOf(b),
      inputs: i > 0 ? [labels[i - 1] as string] : [],
      next,
      node: { vdagURI: "bench:1.0.0-stable", nodeLabel: label, modelParameters: {}, next, graph: {} },
    };
  });
  return {
    controllerId: "vdc-bench",
    vdagURI: "bench:1.0.0-stable",
    plan: {
      vdagURI: "bench:1.0.0-stable",
      heads: ["n0"],
      tails: [labels.at(-1) as string],
      order: labels,
      nodes,
      assignment: Object.fromEntries(labels.map((l, i) => [l, `blk-${i}`])),
    },
    stepTimeoutMs: 10_000,
    retries: 1,
    fanInTimeoutMs: 10_000,
    health: { intervalSeconds: 3600 },
  };
}

/**
 * What a vDAG controller adds per hop: a request through the controller walking a chain of N no-op
 * blocks vs the client calling the same N blocks itself, one after the other, with the same
 * payload and keep-alive pools, in the same run. Added per hop = (through − direct) / N.
 */
function hops(n: number): Scenario {
  return {
    name: `vdag.hops-${n}`,
    description: `a request through a vDAG controller over a chain of ${n} no-op blocks vs calling the ${n} blocks in sequence`,
    async run(): Promise<ScenarioResult> {
      const blocks: Server[] = [];
      let controller: Awaited<ReturnType<typeof createVdagController>> | undefined;
      const pools: Pool[] = [];
      const data = { text: "x".repeat(200) };
      const request = JSON.stringify({ session_id: "bench", data });
      const post = async (pool: Pool, path: string, body: string) => {
        const res = await pool.request({
          path,
          method: "POST",
          body,
          headers: { "content-type": "application/json" },
        });
        const text = await res.body.text();
        if (res.statusCode !== 200) throw new Error(`HTTP ${res.statusCode}: ${text}`);
        return text;
      };
      try {
        for (let i = 0; i < n; i++) blocks.push(await noopBlock());
        controller = await createVdagController({
          config: chainConfig(blocks),
          log: createLogger({ service: "bench" }, { level: "warn" }),
          controlToken: null,
          dataToken: null,
        });
        const viaController = new Pool(controller.url);
        const direct = blocks.map((b) => new Pool(urlOf(b)));
        pools.push(viaController, ...direct);
        let seq = 0;
        const sequence = async () => {
          let packet = { session_id: "bench", seq_no: seq++, ts: Date.now(), data };
          for (const pool of direct) {
            const answer = await post(pool, "/infer", JSON.stringify({ packet }));
            packet = (JSON.parse(answer) as { packet: typeof packet }).packet;
          }
        };
        const opts = { n: n >= 5 ? 2_000 : 4_000, warmup: 300 };
        const baseline = await measure(sequence, opts);
        const measured = await measure(() => post(viaController, "/v1/infer", request), opts);
        const perHopP50 = round((measured.p50_ms - baseline.p50_ms) / n);
        const perHopP99 = round((measured.p99_ms - baseline.p99_ms) / n);
        process.stderr.write(`  added per hop: p50 ${perHopP50} ms, p99 ${perHopP99} ms\n`);
        return {
          scenario: this.name,
          measured,
          baseline: { name: `the ${n} blocks called in sequence (undici keep-alive)`, ...baseline },
          ratio: round(measured.p50_ms / baseline.p50_ms),
          target: `added per hop <= ${TARGET_P50_MS} ms p50 and <= ${TARGET_P99_MS} ms p99`,
          met: perHopP50 <= TARGET_P50_MS && perHopP99 <= TARGET_P99_MS,
          added_per_hop: { p50_ms: perHopP50, p99_ms: perHopP99 },
        } as ScenarioResult;
      } finally {
        for (const p of pools) await p.close();
        await controller?.close(1000);
        for (const b of blocks) {
          b.closeAllConnections();
          b.close();
        }
      }
    },
  };
}

export const vdagScenarios: Scenario[] = [1, 3, 5, 10].map(hops);
