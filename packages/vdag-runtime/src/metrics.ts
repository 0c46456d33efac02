import { Counter, Histogram, Registry } from "prom-client";
import { LatencyRing } from "./stats";

export const REQUEST_OUTCOMES = ["ok", "error", "refused_quota", "refused_health"] as const;
export type RequestOutcome = (typeof REQUEST_OUTCOMES)[number];

const BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

interface NodeMetrics {
  ring: LatencyRing;
  requests: Counter.Internal;
  errors: Counter.Internal;
  duration: Histogram.Internal<string>;
}

/**
 * The controller's Prometheus metrics (a registry of its own, labelled controller and vdag) and
 * the rings behind the p50/p99 of `/status`. Label children are cached, so recording a request or
 * a step costs no label hashing.
 */
export class ControllerMetrics {
  readonly registry = new Registry();
  readonly requests = new LatencyRing(2048);
  readonly counts: Record<RequestOutcome, number> = { ok: 0, error: 0, refused_quota: 0, refused_health: 0 };
  private readonly outcome: Record<RequestOutcome, Counter.Internal>;
  private readonly duration: Histogram;
  private readonly nodeRequests: Counter<"vdag_node">;
  private readonly nodeErrors: Counter<"vdag_node">;
  private readonly nodeDuration: Histogram<"vdag_node">;
  private readonly nodes = new Map<string, NodeMetrics>();

  constructor(labels: { controller: string; vdag: string }) {
    this.registry.setDefaultLabels(labels);
    const requests = new Counter({
      name: "aios_vdag_requests_total",
      help: "vDAG requests, by outcome (refused: before the walk, by quota or health)",
      labelNames: ["outcome"],
      registers: [this.registry],
    });
    this.outcome = Object.fromEntries(
      REQUEST_OUTCOMES.map((o) => {
        const child = requests.labels({ outcome: o });
        child.inc(0);
        return [o, child];
      }),
    ) as Record<RequestOutcome, Counter.Internal>;
    this.duration = new Histogram({
      name: "aios_vdag_request_duration_seconds",
      help: "Time of a vDAG request's walk, from its first step to its answer",
      buckets: BUCKETS,
      registers: [this.registry],
    });
    this.nodeRequests = new Counter({
      name: "aios_vdag_node_requests_total",
      help: "Steps of vDAG requests that ran on a node (skipped ones not counted)",
      labelNames: ["vdag_node"],
      registers: [this.registry],
    });
    this.nodeErrors = new Counter({
      name: "aios_vdag_node_errors_total",
      help: "Steps that failed on a node",
      labelNames: ["vdag_node"],
      registers: [this.registry],
    });
    this.nodeDuration = new Histogram({
      name: "aios_vdag_node_duration_seconds",
      help: "Time of one step (a call to the node's block executor, retries included)",
      labelNames: ["vdag_node"],
      buckets: BUCKETS,
      registers: [this.registry],
    });
  }

  /** One request's end; `ms` is recorded for walked requests (ok and error) only. */
  request(outcome: RequestOutcome, ms?: number): void {
    this.counts[outcome]++;
    this.outcome[outcome].inc();
    if (ms !== undefined) {
      this.duration.observe(ms / 1000);
      this.requests.record(ms, outcome === "ok");
    }
  }

  step(label: string, ms: number, ok: boolean): void {
    const n = this.node(label);
    n.ring.record(ms, ok);
    n.requests.inc();
    if (!ok) n.errors.inc();
    n.duration.observe(ms / 1000);
  }

  private node(label: string): NodeMetrics {
    let n = this.nodes.get(label);
    if (!n) {
      n = {
        ring: new LatencyRing(512),
        requests: this.nodeRequests.labels({ vdag_node: label }),
        errors: this.nodeErrors.labels({ vdag_node: label }),
        duration: this.nodeDuration.labels({ vdag_node: label }),
      };
      this.nodeErrors.labels({ vdag_node: label }).inc(0);
      this.nodes.set(label, n);
    }
    return n;
  }

  /** `/status` figures of the plan's nodes (zeros for a node no request reached yet). */
  nodeStatus(labels: readonly string[]) {
    const out: Record<
      string,
      { requests: number; errors: number; p50Ms: number | null; p99Ms: number | null }
    > = {};
    for (const label of labels) {
      const n = this.nodes.get(label);
      const [p50Ms, p99Ms] = n ? n.ring.percentiles(0.5, 0.99) : [null, null];
      out[label] = { requests: n?.ring.count ?? 0, errors: n?.ring.errors ?? 0, p50Ms, p99Ms };
    }
    return out;
  }

  requestStatus() {
    const [p50Ms, p99Ms] = this.requests.percentiles(0.5, 0.99);
    const c = this.counts;
    return {
      total: c.ok + c.error + c.refused_quota + c.refused_health,
      errors: c.error,
      refused: c.refused_quota + c.refused_health,
      p50Ms,
      p99Ms,
    };
  }
}
