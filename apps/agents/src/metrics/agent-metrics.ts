import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Logger } from "@aios/service-kit";
import { Counter, Gauge, Registry } from "prom-client";
import { type Family, mergeFamilies, parseExposition, renderExposition, withLabels } from "./exposition";

export type ScrapeKind = "executor" | "instance" | "vdag-controller";
const KINDS: ScrapeKind[] = ["executor", "instance", "vdag-controller"];

/** One workload's `/metrics` and the labels its samples get (`block`, `instance`, `vdag`, ...). */
export interface ScrapeTarget {
  kind: ScrapeKind;
  /** Where it listens, e.g. http://127.0.0.1:41234 (its `/metrics` is a probe route: no token). */
  endpoint: string;
  labels: Record<string, string>;
}

export interface AgentMetricsOptions {
  log: Logger;
  clusterId: string;
  nodeId: string;
  /** The workloads of this node now, asked at every scrape. */
  targets: () => ScrapeTarget[];
  /** When the last heartbeat reached the API (ms since the epoch); null before the first. */
  heartbeatAt: () => number | null;
  /** How long one workload's `/metrics` may take before it is skipped. */
  timeoutMs?: number;
}

const CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

/**
 * The agent's `/metrics`: one scrape target per node. Each scrape fetches `/metrics` of every
 * workload of the node in parallel (a short timeout; one that does not answer is skipped and
 * counted in `aios_agent_scrape_errors_total{kind}`), adds `cluster`, `node` and the workload's
 * labels (`block`, `instance`; `vdag`, `controller`) to every sample, merges families of the same
 * name (one HELP and TYPE each), and appends the agent's own metrics.
 */
export function createAgentMetrics(opts: AgentMetricsOptions) {
  const timeoutMs = opts.timeoutMs ?? 2_000;
  const node = { cluster: opts.clusterId, node: opts.nodeId };
  const registry = new Registry();
  registry.setDefaultLabels(node);
  const registers = [registry];
  const scrapeErrors = new Counter({
    name: "aios_agent_scrape_errors_total",
    help: "Workloads whose /metrics did not answer (in time, or with 200) when the agent was scraped, by kind",
    labelNames: ["kind"],
    registers,
  });
  for (const kind of KINDS) scrapeErrors.inc({ kind }, 0);
  const workloads = new Gauge({
    name: "aios_agent_workloads",
    help: "Workloads of this node the agent scrapes, by kind",
    labelNames: ["kind"],
    registers,
  });
  const scrapeSeconds = new Gauge({
    name: "aios_agent_scrape_duration_seconds",
    help: "Time the last scrape of this node's workloads took",
    registers,
  });
  new Gauge({
    name: "aios_agent_heartbeat_age_seconds",
    help: "Time since the agent's last heartbeat reached the API (-1 before the first)",
    registers,
    collect() {
      const at = opts.heartbeatAt();
      this.set(at === null ? -1 : (Date.now() - at) / 1000);
    },
  });

  const scrapeOne = async (t: ScrapeTarget): Promise<Family[]> => {
    try {
      const res = await fetch(`${t.endpoint}/metrics`, { signal: AbortSignal.timeout(timeoutMs) });
      if (res.status !== 200) throw new Error(`answered ${res.status}`);
      const { families } = parseExposition(await res.text());
      return withLabels(families, { ...node, ...t.labels });
    } catch (err) {
      scrapeErrors.inc({ kind: t.kind });
      opts.log.debug("a workload's /metrics did not answer", {
        kind: t.kind,
        endpoint: t.endpoint,
        err: (err as Error).message,
      });
      return [];
    }
  };

  /** One scrape's text: every workload's metrics, labelled and merged, then the agent's own. */
  const collect = async (): Promise<string> => {
    const started = performance.now();
    const targets = opts.targets();
    for (const kind of KINDS) workloads.set({ kind }, targets.filter((t) => t.kind === kind).length);
    const scraped = await Promise.all(targets.map(scrapeOne));
    scrapeSeconds.set((performance.now() - started) / 1000);
    const own = parseExposition(await registry.metrics()).families;
    return renderExposition(mergeFamilies([...scraped, own]).families);
  };

  return { collect, registry };
}

/**
 * Serves `GET /metrics` on `host:port` (0: a free port). Resolves with the server and its URL; a
 * port that cannot be taken rejects (the caller logs it and runs on without metrics).
 */
export async function serveAgentMetrics(
  collect: () => Promise<string>,
  host: string,
  port: number,
  log: Logger,
): Promise<{ server: Server; url: string }> {
  const server = createServer((req, res) => {
    const path = (req.url ?? "/").split("?")[0];
    if (path !== "/metrics") {
      res.writeHead(404, { "content-type": "text/plain" }).end("not found: the agent serves GET /metrics\n");
      return;
    }
    if (req.method !== "GET" && req.method !== "HEAD") {
      res.writeHead(405, { allow: "GET, HEAD", "content-type": "text/plain" }).end("method not allowed\n");
      return;
    }
    collect().then(
      (text) => res.writeHead(200, { "content-type": CONTENT_TYPE }).end(req.method === "HEAD" ? "" : text),
      (err: Error) => {
        log.warn("agent metrics failed", { err: err.message });
        res.writeHead(500, { "content-type": "text/plain" }).end("metrics failed\n");
      },
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const { port: bound } = server.address() as AddressInfo;
  const urlHost = host.includes(":") ? `[${host}]` : host;
  return { server, url: `http://${urlHost}:${bound}/metrics` };
}
