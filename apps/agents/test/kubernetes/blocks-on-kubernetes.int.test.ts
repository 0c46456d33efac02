import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import type { AppsV1Api, CoreV1Api, V1Job, V1Pod } from "@kubernetes/client-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { main as cli } from "../../../../packages/client/src/cli/main";
import { doc, useApiServer } from "../../../api/test/harness";
import { connectKube } from "../../src/drivers/kubernetes/kube-api";
import { ObjectCache } from "../../src/drivers/kubernetes/object-cache";
import { type AgentProcess, applyExamples, startClusterAgent, waitUntil } from "../agent-process";
import { type ClusterUnderTest, clusterUnderTest, runsEchoImage } from "./cluster-under-test";
import { repoRoot } from "./kube-test-kit";

/**
 * A cluster agent with AIOS_DRIVER=kubernetes against a real API server (testpeers/kubernetes),
 * its node played by the process kubelet, or against a live cluster when KUBECONFIG and
 * AIOS_LIVE_IMAGE are set (cluster-under-test.ts): the example sentiment block's instance runs as a
 * pod and its executor as a Deployment with a Service, bound to that node; they answer through the
 * data plane, are replaced when a pod is deleted, and leave nothing behind when the block is removed.
 */
const redisUrl = process.env.AIOS_TEST_REDIS_URL ?? "";
const examples = resolve(repoRoot, "examples/specs");

// Under CI's load a first deploy (pods, then the executor's health checks) takes a while.
describe.runIf(redisUrl)("a block on the kubernetes driver", { timeout: 180_000 }, () => {
  const api = useApiServer();
  const clusterId = `k8s-${Date.now().toString(36)}`;
  let cluster: ClusterUnderTest;
  let core: CoreV1Api;
  let apps: AppsV1Api;
  let namespace: string;
  let nodeName: string;
  let agent: AgentProcess;
  const block = () => api.caller().blocks.get({ id: "sentiment" });
  const instances = () => api.caller().blocks.instances({ id: "sentiment" });
  const infer = async (text: string) => {
    const res = await fetch(`${api.url}/v1/blocks/sentiment/infer`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ data: { text } }),
    });
    return { status: res.status, body: (await res.json()) as { packet?: { data: Record<string, unknown> } } };
  };
  /** What `aios get blocks` prints. */
  const getBlocks = async () => {
    const out: string[] = [];
    const code = await cli(["get", "blocks"], {
      out: (line: string) => out.push(line),
      err: (line: string) => out.push(line),
      env: { AIOS_API_URL: api.url },
    });
    expect(code).toBe(0);
    return out.join("\n");
  };
  const pods = async (): Promise<V1Pod[]> =>
    (await core.listNamespacedPod({ namespace, labelSelector: "app.kubernetes.io/managed-by=aios-agent" }))
      .items;
  const ours = async () =>
    (await pods()).filter((p) => !p.metadata?.deletionTimestamp).map((p) => p.metadata?.name ?? "");

  beforeAll(async () => {
    cluster = await clusterUnderTest({
      nodeName: "k8s-node-1",
      podAddressPrefix: "127.79",
      // The echo component built as an image of its own (examples/components/echo/Dockerfile).
      images: {
        "example/echo:1.0": {
          entrypoint: ["node", "--import", "tsx", "examples/components/echo/index.ts"],
          workingDir: repoRoot,
        },
      },
    });
    ({ core, apps, namespace, nodeName } = cluster);
    await applyExamples((document) => api.caller().parser.applySpec({ document }), "components.json");
    agent = startClusterAgent(api.url, clusterId, {
      AIOS_DRIVER: "kubernetes",
      ...cluster.agentEnv,
      AIOS_BLOCK_WATCH_MS: "300",
    });
    await waitUntil(
      "the agent to register",
      async () => (await api.services.nodes.list({ clusterId })).length === 1,
      60_000,
    );
    const spec = JSON.parse(readFileSync(resolve(examples, "sentiment-block.json"), "utf8")) as {
      body: { spec: { values: Record<string, unknown> } };
    };
    await api
      .caller()
      .parser.applySpec({ document: doc("createBlock", { ...spec.body.spec.values, clusterId }) });
  }, 240_000);

  afterAll(async () => {
    await agent?.stop();
    await cluster?.stop();
  });

  it("runs the instance as a pod and the executor as a Deployment with a Service, on the agent's node, and answers", async () => {
    await expect.poll(async () => (await block()).status, { timeout: 90_000, interval: 500 }).toBe("running");
    const [instance] = await instances();
    const executorPods = (await pods()).filter(
      (p) => p.metadata?.labels?.["aios.dev/workload"] === "sentiment-executor",
    );
    expect(executorPods).toHaveLength(1);
    expect((await ours()).sort()).toEqual(
      [`sentiment-${instance?.id}`, executorPods[0]?.metadata?.name ?? ""].sort(),
    );
    const owner = await core.readNamespacedConfigMap({ name: "aios-block-sentiment", namespace });
    const byBlock = [
      expect.objectContaining({ kind: "ConfigMap", name: "aios-block-sentiment", uid: owner.metadata?.uid }),
    ];
    for (const pod of await pods()) {
      expect(pod.spec?.nodeName).toBe(nodeName);
      expect(pod.metadata?.labels).toMatchObject({
        "aios.dev/cluster": clusterId,
        "aios.dev/node": nodeName,
        "aios.dev/block": "sentiment",
      });
    }
    // The block's object owns the instance's pod and the executor's Deployment (which owns its pod
    // through a ReplicaSet, and its Service): removing it collects them all.
    const instancePod = (await pods()).find((p) => p.metadata?.name === `sentiment-${instance?.id}`);
    expect(instancePod?.metadata?.ownerReferences).toEqual(byBlock);
    expect(instancePod?.metadata?.labels?.["aios.dev/instance"]).toBe(instance?.id);
    const deployment = await apps.readNamespacedDeployment({ name: "sentiment-executor", namespace });
    expect(deployment.metadata?.ownerReferences).toEqual(byBlock);
    expect(deployment.metadata?.labels).toMatchObject({
      "app.kubernetes.io/component": "executor",
      "aios.dev/block": "sentiment",
    });
    const service = await core.readNamespacedService({ name: "sentiment-executor", namespace });
    expect(service.metadata?.ownerReferences).toEqual([
      expect.objectContaining({ kind: "Deployment", uid: deployment.metadata?.uid }),
    ]);
    const r = await infer("I love it");
    expect(r.status).toBe(200);
    expect(r.body.packet?.data).toMatchObject({ label: "positive" });
  });

  it("serves again after the executor's pod was deleted (Kubernetes makes another, the agent takes it up)", async () => {
    const [before] = (await pods()).filter(
      (p) => p.metadata?.labels?.["aios.dev/workload"] === "sentiment-executor",
    );
    await core.deleteNamespacedPod({ name: before?.metadata?.name as string, namespace });
    await expect
      .poll(
        async () =>
          (await pods()).some(
            (p) =>
              p.metadata?.labels?.["aios.dev/workload"] === "sentiment-executor" &&
              p.metadata?.uid !== before?.metadata?.uid &&
              p.status?.phase === "Running",
          ),
        { timeout: 90_000, interval: 500 },
      )
      .toBe(true);
    await expect
      .poll(async () => (await infer("I love it")).status, { timeout: 60_000, interval: 500 })
      .toBe(200);
  });

  it("replaces an instance whose pod was deleted, and serves again", async () => {
    const [instance] = await instances();
    const name = `sentiment-${instance?.id}`;
    const before = await core.readNamespacedPod({ name, namespace });
    await core.deleteNamespacedPod({ name, namespace });
    await expect
      .poll(
        async () => {
          const now = (await pods()).find((p) => p.metadata?.name === name);
          return now && now.metadata?.uid !== before.metadata?.uid && now.status?.phase === "Running";
        },
        { timeout: 90_000, interval: 500 },
      )
      .toBe(true);
    await expect
      .poll(async () => (await infer("I love it")).status, { timeout: 60_000, interval: 500 })
      .toBe(200);
  });

  it.runIf(runsEchoImage())(
    "runs a component of its own container image; one whose image cannot be pulled shows why in aios get blocks",
    async () => {
      const echoImage = cluster.echoImage as string;
      const image = (name: string, containerImage: string) =>
        doc("registerComponent", {
          componentId: { name, version: "1.0.0", releaseTag: "stable" },
          componentType: "model",
          containerRegistryInfo: { componentMode: "aios", containerImage },
        });
      await api.caller().parser.applySpec({ document: image("echo-image", echoImage) });
      await api.caller().parser.applySpec({ document: image("lost-image", "nowhere/missing:1") });
      const block = (id: string, component: string) =>
        doc("createBlock", {
          blockId: id,
          blockComponentURI: `model.${component}:1.0.0-stable`,
          clusterId,
          minInstances: 1,
          maxInstances: 1,
        });
      await api.caller().parser.applySpec({ document: block("echo-img", "echo-image") });
      await api.caller().parser.applySpec({ document: block("lost-img", "lost-image") });
      await expect
        .poll(async () => (await api.caller().blocks.get({ id: "echo-img" })).status, {
          timeout: 90_000,
          interval: 500,
        })
        .toBe("running");
      const res = await fetch(`${api.url}/v1/blocks/echo-img/infer`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ data: { message: "from an image" } }),
      });
      expect(res.status).toBe(200);
      expect(((await res.json()) as { packet: { data: { message: string } } }).packet.data.message).toBe(
        "from an image",
      );
      const [instance] = await api.caller().blocks.instances({ id: "echo-img" });
      const pod = await core.readNamespacedPod({ name: `echo-img-${instance?.id}`, namespace });
      expect([pod.spec?.containers[0]?.image, pod.spec?.containers[0]?.command]).toEqual([
        echoImage,
        undefined,
      ]);
      // The image that cannot be pulled: the block fails with Kubernetes' reason, in the CLI too.
      await expect
        .poll(async () => (await api.caller().blocks.get({ id: "lost-img" })).statusReason ?? "", {
          timeout: 90_000,
          interval: 500,
        })
        // The kubelet's own words, which name the image (a live one says more).
        .toMatch(/cannot start \((ErrImagePull|ImagePullBackOff): .*nowhere\/missing:1/);
      const out = await getBlocks();
      expect(out).toMatch(/REASON[\s\S]*lost-img[\s\S]*(ErrImagePull|ImagePullBackOff)/);
      await api.caller().blocks.remove({ id: "echo-img" });
      await api.caller().blocks.remove({ id: "lost-img" });
    },
  );

  it("a component that crashes at start shows CrashLoopBackOff and its last words in aios get blocks", async () => {
    await api.caller().parser.applySpec({
      document: doc("registerComponent", {
        componentId: { name: "crashy", version: "1.0.0", releaseTag: "stable" },
        componentType: "model",
        runtime: { entry: "apps/agents/test/fixtures/crash-at-start.ts" },
      }),
    });
    await api.caller().parser.applySpec({
      document: doc("createBlock", {
        blockId: "crashy",
        blockComponentURI: "model.crashy:1.0.0-stable",
        clusterId,
        minInstances: 1,
        maxInstances: 1,
      }),
    });
    await expect
      .poll(async () => (await api.caller().blocks.get({ id: "crashy" })).statusReason ?? "", {
        timeout: 90_000,
        interval: 500,
      })
      .toMatch(/exited while starting \(1\) \(CrashLoopBackOff: [\s\S]*weights are missing/);
    const out = await getBlocks();
    expect(out).toMatch(/crashy[^\n]*CrashLoopBackOff/);
    await api.caller().blocks.remove({ id: "crashy" });
  });

  it("runs a policy job (execution type 3) as a Job of the cluster on the agent's node", async () => {
    await applyExamples((document) => api.caller().parser.applySpec({ document }), "policies.json");
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
    const code = `import { definePolicy } from "@aios/policy-runtime";
export default definePolicy({
  kind: "function",
  eval(input, ctx) {
    const own = ctx.query({ entity: "node" }).rows.map((r) => r.id);
    let other = null;
    try { ctx.query({ entity: "node", clusterId: "some-other-cluster" }); } catch (e) { other = e.message; }
    return { own, other };
  },
});
`;
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
    // The example policies are in since the policy job's test.
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

  it("removing the block leaves no pod, Deployment, Service or Secret", async () => {
    await api.caller().blocks.remove({ id: "sentiment" });
    await expect.poll(async () => (await block()).status, { timeout: 60_000, interval: 500 }).toBe("removed");
    await expect.poll(async () => (await pods()).length, { timeout: 60_000, interval: 500 }).toBe(0);
    const secrets = await core.listNamespacedSecret({
      namespace,
      labelSelector: "app.kubernetes.io/managed-by=aios-agent",
    });
    expect(secrets.items).toEqual([]);
    const selector = { namespace, labelSelector: "aios.dev/block=sentiment" };
    await expect
      .poll(
        async () => [
          (await apps.listNamespacedDeployment(selector)).items.length,
          (await core.listNamespacedService(selector)).items.length,
        ],
        { timeout: 60_000, interval: 500 },
      )
      .toEqual([0, 0]);
    const owners = await core.listNamespacedConfigMap({
      namespace,
      labelSelector: "aios.dev/block=sentiment",
    });
    expect(owners.items).toEqual([]);
  });
});
