import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { createLogger, initTracing, TRACING_OFF, useTracing } from "@aios/service-kit";
import { createVdagController } from "@aios/vdag-runtime";
import { Pool } from "undici";
import { measure, round, type Scenario, type ScenarioResult } from "../measure";
import { chainConfig, noopBlock } from "./vdag-hops";

const HOPS = 5;
const TARGET_ADDED_P50_MS = 0.1;

/** An OTLP/HTTP receiver that takes every export and counts the requests and bytes. */
function otlpSink(): Promise<{ server: Server; url: string; exports: number; bytes: number }> {
  const sink = { server: undefined as unknown as Server, url: "", exports: 0, bytes: 0 };
  sink.server = createServer((req, res) => {
    req.on("data", (c: Buffer) => {
      sink.bytes += c.length;
    });
    req.on("end", () => {
      sink.exports++;
      res.writeHead(200, { "content-type": "application/json" });
      res.end("{}");
    });
  });
  return new Promise((resolve) =>
    sink.server.listen(0, "127.0.0.1", () => {
      sink.url = `http://127.0.0.1:${(sink.server.address() as AddressInfo).port}`;
      resolve(sink);
    }),
  );
}

/**
 * What OpenTelemetry costs a vDAG request: the same request through a controller over a chain of
 * no-op blocks, measured with tracing off (as `npm start` runs without an OTLP endpoint: the
 * trace context is carried, nothing recorded) and with its spans (one per request, one per step)
 * exported over OTLP/HTTP to a local receiver, alternately in one process.
 */
export const vdagTracingScenario: Scenario = {
  name: "vdag.tracing",
  description: `a request through a vDAG controller over ${HOPS} no-op blocks with OpenTelemetry spans exported (OTLP/HTTP, a local receiver) vs the same with tracing off`,
  async run(): Promise<ScenarioResult> {
    const sink = await otlpSink();
    const blocks: Server[] = [];
    let controller: Awaited<ReturnType<typeof createVdagController>> | undefined;
    let pool: Pool | undefined;
    process.env.OTEL_EXPORTER_OTLP_ENDPOINT = sink.url;
    process.env.OTEL_BSP_SCHEDULE_DELAY = "200";
    const on = await initTracing("aios-bench");
    try {
      for (let i = 0; i < HOPS; i++) blocks.push(await noopBlock());
      controller = await createVdagController({
        config: chainConfig(blocks),
        log: createLogger({ service: "bench" }, { level: "warn" }),
        controlToken: null,
        dataToken: null,
      });
      const via = new Pool(controller.url);
      pool = via;
      const body = JSON.stringify({ session_id: "bench", data: { text: "x".repeat(200) } });
      const request = async () => {
        const res = await via.request({
          path: "/v1/infer",
          method: "POST",
          body,
          headers: { "content-type": "application/json" },
        });
        const text = await res.body.text();
        if (res.statusCode !== 200) throw new Error(`HTTP ${res.statusCode}: ${text}`);
      };
      const opts = { n: 2_000, warmup: 300 };
      useTracing(TRACING_OFF);
      const off = await measure(request, opts);
      useTracing(on);
      const traced = await measure(request, opts);
      useTracing(TRACING_OFF);
      await on.shutdown();
      if (sink.exports === 0) throw new Error("no span reached the OTLP receiver: tracing was not on");
      const addedP50 = round((traced.p50_ms - off.p50_ms) / HOPS);
      process.stderr.write(
        `  tracing on adds per hop: p50 ${addedP50} ms (${sink.exports} exports, ${Math.round(sink.bytes / 1024)} KiB)\n`,
      );
      return {
        scenario: this.name,
        measured: traced,
        baseline: { name: `the same requests with tracing off`, ...off },
        ratio: round(traced.p50_ms / off.p50_ms),
        target: `tracing on adds <= ${TARGET_ADDED_P50_MS} ms per hop p50`,
        met: addedP50 <= TARGET_ADDED_P50_MS,
        added_per_hop: { p50_ms: addedP50 },
      } as ScenarioResult;
    } finally {
      useTracing(TRACING_OFF);
      delete process.env.OTEL_EXPORTER_OTLP_ENDPOINT;
      delete process.env.OTEL_BSP_SCHEDULE_DELAY;
      await pool?.close();
      await controller?.close(1000);
      for (const b of blocks) {
        b.closeAllConnections();
        b.close();
      }
      sink.server.closeAllConnections();
      sink.server.close();
    }
  },
};
