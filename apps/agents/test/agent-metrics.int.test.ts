import { beforeAll, describe, expect, it } from "vitest";
import { checkMetrics, promtoolSkipReason } from "../../../scripts/promtool";
import { parseExposition } from "../src/metrics/exposition";
import { agentMetricsUrl } from "./agent-process";
import { PIPELINE, useExampleStack } from "./example-stack";

const redisUrl = process.env.AIOS_TEST_REDIS_URL ?? "";

/**
 * The agent's `/metrics` with real workloads: one scrape target for the node, its executors',
 * instances' and vDAG controller's metrics labelled with block, instance, vdag, cluster and node,
 * a component's own metric among them, and all of it passing `promtool check metrics`.
 */
describe.runIf(redisUrl)("the agent's aggregated /metrics", () => {
  const stack = useExampleStack();
  const { api, clusterId } = stack;
  const nodeId = `${clusterId}-node`;
  let metricsUrl: string;

  beforeAll(async () => {
    if (!stack.agent) throw new Error("the example stack's agent did not start");
    metricsUrl = await agentMetricsUrl(stack.agent);
  });

  it("re-exposes its workloads' metrics with block, instance, vdag, cluster and node labels", async () => {
    for (const text of ["I love this wonderful product", "This is terrible and awful"]) {
      const res = await fetch(`${api.url}/v1/vdags/${encodeURIComponent(PIPELINE)}/infer`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ data: { text } }),
      });
      expect(res.status).toBe(200);
      await res.arrayBuffer();
    }
    const res = await fetch(metricsUrl);
    expect(res.status).toBe(200);
    const text = await res.text();
    const families = parseExposition(text).families;
    /** The values of the samples named `name` that carry all of `labels` (in any order). */
    const values = (name: string, labels: Record<string, string>) =>
      families
        .flatMap((f) => f.samples)
        .filter(
          (s) =>
            s.name === name &&
            Object.entries(labels).every(([k, v]) => s.labels.some(([sk, sv]) => sk === k && sv === v)),
        )
        .map((s) => s.value);
    const on = { cluster: clusterId, node: nodeId };
    // The executor's requests, by block.
    expect(
      values("aios_block_requests_total", { ...on, block: "sentiment", code: "200", outcome: "ok" }),
    ).toEqual(["2"]);
    expect(values("aios_block_instances", { ...on, block: "sentiment", state: "healthy" })).toEqual(["1"]);
    // The instance's built-in metrics and the component's own (text-sentiment counts labels).
    const instance = /aios_instance_in_flight\{[^}]*block="sentiment",instance="(in-[a-z0-9]{4})"/.exec(
      text,
    )?.[1];
    expect(instance).toBeDefined();
    expect(text).toContain(
      `sentiment_labels_total{label="positive",block="sentiment",instance="${instance}",cluster="${clusterId}",node="${nodeId}"} 1`,
    );
    expect(
      values("sentiment_labels_total", {
        ...on,
        block: "sentiment",
        instance: instance ?? "",
        label: "negative",
      }),
    ).toEqual(["1"]);
    expect(values("aios_instance_requests_total", { ...on, block: "echo", outcome: "ok" })).toHaveLength(1);
    // The vDAG controller's, with the vDAG.
    expect(values("aios_vdag_requests_total", { ...on, vdag: PIPELINE, outcome: "ok" })).toEqual(["2"]);
    expect(
      values("aios_vdag_node_requests_total", { ...on, vdag: PIPELINE, vdag_node: "sentiment" }),
    ).toEqual(["2"]);
    // The agent's own, and one HELP/TYPE per family.
    expect(values("aios_agent_workloads", { ...on, kind: "instance" })).toEqual(["3"]);
    expect(values("aios_agent_workloads", { ...on, kind: "executor" })).toEqual(["3"]);
    expect(
      Number(values("aios_agent_workloads", { ...on, kind: "vdag-controller" })[0]),
    ).toBeGreaterThanOrEqual(1);
    expect(values("aios_agent_scrape_errors_total", { ...on, kind: "instance" })).toEqual(["0"]);
    expect(text.match(/^# TYPE aios_block_requests_total /gm)).toHaveLength(1);
    expect(text.match(/^# TYPE aios_instance_requests_total /gm)).toHaveLength(1);
  });

  const skip = promtoolSkipReason();
  it.skipIf(skip)(`passes promtool check metrics${skip ? ` (skipped: ${skip})` : ""}`, async () => {
    const text = await (await fetch(metricsUrl)).text();
    expect(checkMetrics(text)).toEqual({ code: 0, output: "" });
  });
});
