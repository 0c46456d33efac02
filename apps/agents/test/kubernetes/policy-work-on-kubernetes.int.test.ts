import type { AppsV1Api, CoreV1Api, V1Job } from "@kubernetes/client-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { doc, useApiServer } from "../../../api/test/harness";
import { connectKube } from "../../src/drivers/kubernetes/kube-api";
import { ObjectCache } from "../../src/drivers/kubernetes/object-cache";
import { type AgentProcess, applyExamples } from "../agent-process";
import { METRICS_READER_POLICY } from "../fixtures/metrics-reader-policy";
import { type ClusterUnderTest, clusterUnderTest, startKubernetesAgent } from "./cluster-under-test";

/**
 * Policy work on the kubernetes driver, against a real API server (testpeers/kubernetes) with its
 * node played by the process kubelet, or a live cluster (cluster-under-test.ts): a policy job
 * (type 3) as a Job of the cluster, its pod reading its cluster's metrics with a key of its own,
 * and a stateful function's replicas (type 4) as Deployments with Services.
 */
const redisUrl = process.env.AIOS_TEST_REDIS_URL ?? "";

describe.runIf(redisUrl)("policy work on the kubernetes driver", { timeout: 180_000 }, () => {
  const api = useApiServer();
  const clusterId = `k8p-${Date.now().toString(36)}`;
  let cluster: ClusterUnderTest;
  let core: CoreV1Api;
  let apps: AppsV1Api;
  let namespace: string;
  let nodeName: string;
  let agent: AgentProcess;

  beforeAll(async () => {
    cluster = await clusterUnderTest({ nodeName: "k8s-policy-node", podAddressPrefix: "127.83", images: {} });
    ({ core, apps, namespace, nodeName } = cluster);
    await applyExamples((document) => api.caller().parser.applySpec({ document }), "policies.json");
    agent = await startKubernetesAgent(cluster, api.url, clusterId, (id) =>
      api.services.nodes.list({ clusterId: id }),
    );
  }, 240_000);

  afterAll(async () => {
    await agent?.stop();
    await cluster?.stop();
  });

  it("runs a policy job (execution type 3) as a Job of the cluster on the agent's node", async () => {
    // Every Job made in the namespace, seen through a watch (the agent removes each once it ended).
    const kube = connectKube({ kubeconfig: cluster.kubeconfig });
    const jobs = new ObjectCache<V1Job>(kube, {
      path: `/apis/batch/v1/namespaces/${namespace}/jobs`,
      list: (q) => kube.batch.listNamespacedJob({ namespace, ...q }),
      labelSelector: "app.kubernetes.io/component=job",
    });
    const made: V1Job[] = [];
    jobs.on((event, job) => {
      if (event === "added") made.push(job);
    });
    await jobs.whenStarted();
    try {
      const job = await api.caller().policies.submitJob({
        policyRuleURI: "word-stats:1.0.0-stable",
        clusterId,
        input: { a: "the quick brown fox", b: ["jumps over", "the lazy dog"] },
      });
      await expect
        .poll(async () => (await api.caller().policies.getJob({ id: job.id })).status, {
          timeout: 60_000,
          interval: 300,
        })
        .toBe("succeeded");
      const done = await api.caller().policies.getJob({ id: job.id });
      expect(done.output).toEqual({ texts: 3, words: 9, longest: "quick" });
      expect(done.logs).toEqual([{ level: "info", message: "9 words in 3 texts" }]);
      const ran = made.find((j) => j.metadata?.annotations?.["aios.dev/workload"] === `policy-job-${job.id}`);
      expect(ran?.spec?.template.spec?.nodeName).toBe(nodeName);
      expect(ran?.spec?.backoffLimit).toBe(0);
      // The work is in a Secret only the pod reads: not in the Job's own spec.
      expect(JSON.stringify(ran?.spec)).not.toContain("quick brown fox");
      await expect.poll(() => jobs.values().length, { timeout: 30_000, interval: 300 }).toBe(0);
    } finally {
      jobs.stop();
    }
  });

  it("gives a policy job's pod ctx.query over its own cluster's metrics, with a key of the job's own", async () => {
    const code = METRICS_READER_POLICY;
    await api.caller().parser.applySpec({
      document: doc("createPolicy", {
        name: "pod-reads-metrics",
        version: "1.0.0",
        releaseTag: "stable",
        kind: "function",
        code,
      }),
    });
    const job = await api
      .caller()
      .policies.submitJob({ policyRuleURI: "pod-reads-metrics:1.0.0-stable", clusterId, input: {} });
    await expect
      .poll(async () => (await api.caller().policies.getJob({ id: job.id })).status, {
        timeout: 60_000,
        interval: 300,
      })
      .toBe("succeeded");
    const nodeId = (await api.services.nodes.list({ clusterId }))[0]?.id;
    expect((await api.caller().policies.getJob({ id: job.id })).output).toEqual({
      own: [nodeId],
      other: `ctx.query failed: query.clusterId: some-other-cluster is not this agent's cluster (${clusterId})`,
    });
    // The pod's key was the job's alone, and went with the job's report.
    const keys = await api.database.db.apiToken.findMany({
      where: { name: `metrics key of policy-job ${job.id}` },
    });
    expect(keys.map((k) => [k.scopes, k.revokedAt !== null])).toEqual([[[`metrics:${clusterId}`], true]]);
  });

  it("runs a stateful function's replicas (type 4) as Deployments with Services; removing it collects them", async () => {
    await api
      .caller()
      .functions.deploy({ name: "tally", policyRuleURI: "counter:1.0.0-stable", clusterId, replicas: 2 });
    const fn = () => api.caller().functions.get({ name: "tally" });
    await expect.poll(async () => (await fn()).status, { timeout: 90_000, interval: 500 }).toBe("running");
    const selector = { namespace, labelSelector: "aios.dev/function=tally" };
    const deployments = (await apps.listNamespacedDeployment(selector)).items;
    expect(deployments.map((d) => d.metadata?.name).sort()).toEqual(["tally-function-0", "tally-function-1"]);
    for (const d of deployments) {
      expect(d.metadata?.labels?.["app.kubernetes.io/component"]).toBe("function-replica");
      expect(d.metadata?.ownerReferences?.map((o) => [o.kind, o.name])).toEqual([
        ["ConfigMap", "aios-function-tally"],
      ]);
      expect(d.spec?.template.spec?.nodeName).toBe(nodeName);
      // isolated-vm in the replica's own process needs Node's startup snapshot off.
      expect(d.spec?.template.spec?.containers[0]?.command).toContain("--no-node-snapshot");
      // Its code and settings are in its Secret, not in the Deployment others may read.
      expect(JSON.stringify(d)).not.toContain("state.counts");
    }
    const services = (await core.listNamespacedService(selector)).items;
    expect(services.map((s) => s.metadata?.name).sort()).toEqual(["tally-function-0", "tally-function-1"]);
    // Each replica keeps its own state, reached through the API with its data token.
    const invoke = async (replica: number) =>
      (await api.caller().functions.invoke({ name: "tally", input: { key: "k" }, replica })).output;
    expect([await invoke(0), await invoke(0), await invoke(1)]).toEqual([
      { key: "k", count: 1 },
      { key: "k", count: 2 },
      { key: "k", count: 1 },
    ]);
    const reset = await api
      .caller()
      .functions.management({ name: "tally", action: "reset", data: {}, replica: 0 });
    expect(reset.output).toEqual({ ok: true, counts: {} });

    await api.caller().functions.remove({ name: "tally" });
    await expect
      .poll(
        async () => [
          (await apps.listNamespacedDeployment(selector)).items.length,
          (await core.listNamespacedService(selector)).items.length,
          (await core.listNamespacedConfigMap(selector)).items.length,
        ],
        { timeout: 60_000, interval: 500 },
      )
      .toEqual([0, 0, 0]);
  });
});
