import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import type { AppsV1Api, CoreV1Api, V1Pod } from "@kubernetes/client-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { main as cli } from "../../../../packages/client/src/cli/main";
import { doc, useApiServer } from "../../../api/test/harness";
import { type AgentProcess, applyExamples } from "../agent-process";
import {
  type ClusterUnderTest,
  clusterUnderTest,
  runsEchoImage,
  startKubernetesAgent,
} from "./cluster-under-test";
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
    agent = await startKubernetesAgent(cluster, api.url, clusterId, (id) =>
      api.services.nodes.list({ clusterId: id }),
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
