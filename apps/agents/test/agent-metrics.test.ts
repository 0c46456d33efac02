import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { createLogger } from "@aios/service-kit";
import { Counter, Histogram, Registry } from "prom-client";
import { afterEach, describe, expect, it } from "vitest";
import { checkMetrics, promtoolSkipReason } from "../../../scripts/promtool";
import { createAgentMetrics, type ScrapeTarget } from "../src/metrics/agent-metrics";
import { mergeFamilies, parseExposition, renderExposition, withLabels } from "../src/metrics/exposition";

const log = createLogger({ test: "agent-metrics" }, { write: () => {} });
const servers: Server[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) {
    s.closeAllConnections();
    await new Promise((r) => s.close(r));
  }
});

/** A workload's registry as the runtimes make them: default labels and a component's own metric. */
function instanceRegistry(block: string, instance: string): Registry {
  const registry = new Registry();
  registry.setDefaultLabels({ block, instance });
  const requests = new Counter({
    name: "aios_instance_requests_total",
    help: "Requests answered by this instance, by outcome",
    labelNames: ["outcome"],
    registers: [registry],
  });
  requests.inc({ outcome: "ok" }, 3);
  const labels = new Counter({
    name: "sentiment_labels_total",
    help: 'Texts "classified", by label\\ and \nline',
    labelNames: ["label", "node"],
    registers: [registry],
  });
  labels.inc({ label: 'pos"it,ive}', node: "theirs" });
  new Histogram({
    name: "aios_instance_request_duration_seconds",
    help: "Time",
    buckets: [0.1, 1],
    registers: [registry],
  }).observe(0.5);
  return registry;
}

async function serve(handler: () => Promise<string> | string, status = 200): Promise<string> {
  const server = createServer(async (_req, res) => res.writeHead(status).end(await handler()));
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

describe("text exposition", () => {
  it("round-trips prom-client's text, escapes included", async () => {
    const text = await instanceRegistry("b", "i").metrics();
    const { families, skipped } = parseExposition(text);
    expect(skipped).toBe(0);
    expect(families.map((f) => [f.name, f.type])).toEqual([
      ["aios_instance_requests_total", "counter"],
      ["sentiment_labels_total", "counter"],
      ["aios_instance_request_duration_seconds", "histogram"],
    ]);
    expect(families[2]?.samples.map((s) => s.name)).toContain(
      "aios_instance_request_duration_seconds_bucket",
    );
    expect(parseExposition(renderExposition(families)).families).toEqual(families);
    expect(families[1]?.samples[0]?.labels).toContainEqual(["label", 'pos"it,ive}']);
  });

  it("adds labels, keeping a conflicting own label as exported_<name>", () => {
    const { families } = parseExposition('# TYPE x_total counter\nx_total{node="theirs",block="b"} 1\n');
    const [f] = withLabels(families, { node: "n1", block: "b", instance: "" });
    expect(f?.samples[0]?.labels).toEqual([
      ["exported_node", "theirs"],
      ["block", "b"],
      ["node", "n1"],
    ]);
  });

  it("merges families by name: one HELP and TYPE, a type conflict dropped, duplicates once", () => {
    const a = parseExposition('# HELP m M\n# TYPE m gauge\nm{i="1"} 1\n').families;
    const b = parseExposition('# HELP m other\n# TYPE m gauge\nm{i="2"} 2\nm{i="1"} 9\n').families;
    const c = parseExposition("# TYPE m counter\nm 5\n").families;
    const { families, conflicts } = mergeFamilies([a, b, c]);
    expect(conflicts).toBe(1);
    expect(renderExposition(families)).toBe('# HELP m M\n# TYPE m gauge\nm{i="1"} 1\nm{i="2"} 2\n');
  });
});

describe("the agent's /metrics", () => {
  it("aggregates its workloads with their labels, skips and counts one that fails, and adds its own", async () => {
    const i1 = instanceRegistry("blk", "in-aaaa");
    const i2 = instanceRegistry("blk", "in-bbbb");
    const targets: ScrapeTarget[] = [
      {
        kind: "instance",
        endpoint: await serve(() => i1.metrics()),
        labels: { block: "blk", instance: "in-aaaa" },
      },
      {
        kind: "instance",
        endpoint: await serve(() => i2.metrics()),
        labels: { block: "blk", instance: "in-bbbb" },
      },
      { kind: "executor", endpoint: await serve(() => "nope", 500), labels: { block: "blk" } },
      {
        kind: "vdag-controller",
        endpoint: await serve(() => new Promise((r) => setTimeout(() => r(""), 2_000))),
        labels: { vdag: "v:1", controller: "c" },
      },
    ];
    const metrics = createAgentMetrics({
      log,
      clusterId: "cl",
      nodeId: "n1",
      targets: () => targets,
      heartbeatAt: () => Date.now() - 1500,
      timeoutMs: 300,
    });
    const text = await metrics.collect();
    expect(text.match(/# TYPE sentiment_labels_total counter/g)).toHaveLength(1);
    expect(text).toContain(
      'sentiment_labels_total{label="pos\\"it,ive}",exported_node="theirs",block="blk",instance="in-bbbb",cluster="cl",node="n1"} 1',
    );
    expect(text).toMatch(
      /aios_instance_requests_total\{outcome="ok",block="blk",instance="in-aaaa",cluster="cl",node="n1"\} 3/,
    );
    expect(text).toContain('aios_agent_scrape_errors_total{kind="executor",cluster="cl",node="n1"} 1');
    expect(text).toContain('aios_agent_scrape_errors_total{kind="vdag-controller",cluster="cl",node="n1"} 1');
    expect(text).toContain('aios_agent_workloads{kind="instance",cluster="cl",node="n1"} 2');
    expect(text).toMatch(/aios_agent_heartbeat_age_seconds\{cluster="cl",node="n1"\} 1\.\d+/);
    const skip = promtoolSkipReason();
    if (!skip) expect(checkMetrics(text)).toEqual({ code: 0, output: "" });
  });
});
