import { AppsV1Api, BatchV1Api, CoreV1Api, KubeConfig, type V1Pod, Watch } from "@kubernetes/client-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type KubePeer, startKubePeer } from "../../../../scripts/kube-peer/index";
import { notFound, until } from "./kube-test-kit";

/**
 * The test Kubernetes control plane (testpeers/kubernetes) through the client the driver uses: a
 * real API server with its controllers and scheduler, and kwok's simulated nodes in place of kubelets.
 */

const namespace = "peer-smoke";
let peer: KubePeer;
let core: CoreV1Api;
let apps: AppsV1Api;
let batch: BatchV1Api;
let kc: KubeConfig;

beforeAll(async () => {
  peer = await startKubePeer({ nodes: 2, gpusPerNode: 4 });
  kc = new KubeConfig();
  kc.loadFromString(peer.kubeconfig);
  core = kc.makeApiClient(CoreV1Api);
  apps = kc.makeApiClient(AppsV1Api);
  batch = kc.makeApiClient(BatchV1Api);
  await core.createNamespace({ body: { metadata: { name: namespace } } });
  // The controller manager gives each new namespace its default service account; pods wait for it.
  await until("the namespace's default service account", () =>
    core.readNamespacedServiceAccount({ name: "default", namespace }).then(() => true, notFound),
  );
}, 180_000);

afterAll(async () => {
  await peer?.stop();
});

/** True once a read has met 404. */
const gone = (read: Promise<unknown>) =>
  read.then(
    () => false,
    (e) => {
      notFound(e);
      return true;
    },
  );

const isReady = (pod: V1Pod) =>
  pod.status?.phase === "Running" &&
  pod.status.conditions?.some((c) => c.type === "Ready" && c.status === "True");

const container = (name: string, gpus = 0) => ({
  name,
  // Never pulled: kwok plays the pod's life without running it.
  image: "registry.invalid/aios/echo:1",
  resources: gpus > 0 ? { limits: { "nvidia.com/gpu": String(gpus) } } : {},
});

describe("the Kubernetes test peer", () => {
  it("serves kwok's simulated nodes, Ready and with their GPUs", async () => {
    const nodes = await core.listNode();
    expect(nodes.items.map((n) => n.metadata?.name).sort()).toEqual(peer.nodeNames);
    for (const node of nodes.items) {
      expect(node.status?.allocatable?.["nvidia.com/gpu"]).toBe("4");
      expect(node.status?.conditions?.find((c) => c.type === "Ready")?.status).toBe("True");
    }
  });

  it("runs a pod bound to a node by spec.nodeName to Running and Ready", async () => {
    await core.createNamespacedPod({
      namespace,
      body: {
        metadata: { name: "bound", labels: { app: "bound" } },
        spec: { nodeName: "kwok-node-1", containers: [container("echo", 2)] },
      },
    });
    const pod = await until("the bound pod is Ready", async () => {
      const p = await core.readNamespacedPod({ name: "bound", namespace });
      return isReady(p) ? p : false;
    });
    expect(pod.spec?.nodeName).toBe("kwok-node-1");
    // kwok hands out loopback addresses (scripts/kube-peer), so nothing a test does leaves the machine.
    expect(pod.status?.podIP).toMatch(/^127\.16\.\d+\.\d+$/);
    expect(pod.status?.hostIP).toBe("127.0.0.1");
    expect(pod.status?.containerStatuses?.[0]?.state?.running).toBeDefined();
  });

  it("fails a pod's container on demand, through kwok's chaos stage", async () => {
    const stage = "pod-container-running-failed.stage.kwok.x-k8s.io";
    await core.createNamespacedPod({
      namespace,
      body: {
        metadata: {
          name: "failing",
          labels: { [stage]: "true" },
          annotations: { [`${stage}/reason`]: "Error", [`${stage}/exit-code`]: "3" },
        },
        spec: { nodeName: "kwok-node-0", containers: [container("echo")] },
      },
    });
    const terminated = await until("the pod's container has failed", async () => {
      const p = await core.readNamespacedPod({ name: "failing", namespace });
      return p.status?.containerStatuses?.[0]?.state?.terminated;
    });
    expect(terminated).toMatchObject({ reason: "Error", exitCode: 3 });
    const pod = await core.readNamespacedPod({ name: "failing", namespace });
    expect(pod.status?.conditions?.find((c) => c.type === "Ready")?.status).toBe("False");
  });

  it("plays a crash loop and an image pull back-off on demand, through the project's stages", async () => {
    await apps.createNamespacedDeployment({
      namespace,
      body: {
        metadata: { name: "crashing" },
        spec: {
          replicas: 1,
          selector: { matchLabels: { app: "crashing" } },
          template: {
            metadata: { labels: { app: "crashing", "crash-loop.stage.aios.test": "true" } },
            spec: { containers: [container("echo")] },
          },
        },
      },
    });
    const crashing = await until("the Deployment's pod is in CrashLoopBackOff", async () => {
      const pods = await core.listNamespacedPod({ namespace, labelSelector: "app=crashing" });
      const pod = pods.items[0];
      return pod?.status?.containerStatuses?.[0]?.state?.waiting?.reason === "CrashLoopBackOff" ? pod : false;
    });
    expect(crashing.status?.phase).toBe("Running");
    expect(crashing.status?.containerStatuses?.[0]?.restartCount).toBe(1);
    expect(crashing.status?.containerStatuses?.[0]?.lastState?.terminated?.exitCode).toBe(1);
    const deployment = await apps.readNamespacedDeployment({ name: "crashing", namespace });
    expect(deployment.status?.readyReplicas ?? 0).toBe(0);

    await core.createNamespacedPod({
      namespace,
      body: {
        metadata: { name: "unpullable", labels: { "image-pull-backoff.stage.aios.test": "true" } },
        spec: { nodeName: "kwok-node-0", containers: [container("echo")] },
      },
    });
    const unpullable = await until("the pod is in ImagePullBackOff", async () => {
      const p = await core.readNamespacedPod({ name: "unpullable", namespace });
      return p.status?.containerStatuses?.[0]?.state?.waiting?.reason === "ImagePullBackOff" ? p : false;
    });
    expect(unpullable.status?.phase).toBe("Pending");
  });

  it("leaves a pod that asks for more GPUs than any node has unscheduled, saying why", async () => {
    await core.createNamespacedPod({
      namespace,
      body: { metadata: { name: "too-big" }, spec: { containers: [container("echo", 5)] } },
    });
    const condition = await until("the scheduler has given up on the pod", async () => {
      const p = await core.readNamespacedPod({ name: "too-big", namespace });
      return p.status?.conditions?.find((c) => c.type === "PodScheduled" && c.status === "False");
    });
    expect(condition.reason).toBe("Unschedulable");
    expect(condition.message).toContain("nvidia.com/gpu");
  });

  it("turns a Deployment into a ReplicaSet whose pods the scheduler places on the nodes", async () => {
    const labels = { app: "web" };
    await apps.createNamespacedDeployment({
      namespace,
      body: {
        metadata: { name: "web", labels },
        spec: {
          replicas: 3,
          selector: { matchLabels: labels },
          template: { metadata: { labels }, spec: { containers: [container("web", 1)] } },
        },
      },
    });
    await until("the Deployment has 3 ready replicas", async () => {
      const d = await apps.readNamespacedDeployment({ name: "web", namespace });
      return d.status?.readyReplicas === 3;
    });
    const sets = await apps.listNamespacedReplicaSet({ namespace, labelSelector: "app=web" });
    expect(sets.items).toHaveLength(1);
    expect(sets.items[0]?.metadata?.ownerReferences?.[0]).toMatchObject({ kind: "Deployment", name: "web" });
    const pods = await core.listNamespacedPod({ namespace, labelSelector: "app=web" });
    expect(pods.items).toHaveLength(3);
    for (const pod of pods.items) {
      expect(isReady(pod)).toBe(true);
      expect(peer.nodeNames).toContain(pod.spec?.nodeName);
      expect(pod.metadata?.ownerReferences?.[0]?.name).toBe(sets.items[0]?.metadata?.name);
    }
  });

  it("replaces a Deployment's deleted pod", async () => {
    const before = await core.listNamespacedPod({ namespace, labelSelector: "app=web" });
    const victim = before.items[0]!.metadata!.name!;
    await core.deleteNamespacedPod({ name: victim, namespace });
    await until("a new pod replaces the deleted one", async () => {
      const pods = await core.listNamespacedPod({ namespace, labelSelector: "app=web" });
      const names = pods.items.map((p) => p.metadata?.name);
      return !names.includes(victim) && pods.items.length === 3 && pods.items.every(isReady);
    });
  });

  it("runs a Job's pod to completion", async () => {
    await batch.createNamespacedJob({
      namespace,
      body: {
        metadata: { name: "once" },
        spec: { template: { spec: { restartPolicy: "Never", containers: [container("once")] } } },
      },
    });
    const job = await until("the Job succeeds", async () => {
      const j = await batch.readNamespacedJob({ name: "once", namespace });
      return (j.status?.succeeded ?? 0) >= 1 ? j : false;
    });
    expect(job.status?.conditions?.some((c) => c.type === "Complete" && c.status === "True")).toBe(true);
  });

  it("collects what an owner owned once the owner is deleted", async () => {
    const owner = await core.createNamespacedConfigMap({ namespace, body: { metadata: { name: "owner" } } });
    await core.createNamespacedConfigMap({
      namespace,
      body: {
        metadata: {
          name: "owned",
          ownerReferences: [
            { apiVersion: "v1", kind: "ConfigMap", name: "owner", uid: owner.metadata!.uid! },
          ],
        },
      },
    });
    await core.deleteNamespacedConfigMap({ name: "owner", namespace, propagationPolicy: "Background" });
    await until("the owned ConfigMap is collected", () =>
      gone(core.readNamespacedConfigMap({ name: "owned", namespace })),
    );

    await apps.deleteNamespacedDeployment({ name: "web", namespace, propagationPolicy: "Background" });
    await until("the Deployment's ReplicaSet and pods are collected", async () => {
      const sets = await apps.listNamespacedReplicaSet({ namespace, labelSelector: "app=web" });
      const pods = await core.listNamespacedPod({ namespace, labelSelector: "app=web" });
      return sets.items.length === 0 && pods.items.length === 0;
    });
  });

  it("delivers watch events, and the server ends the watch at its timeoutSeconds", async () => {
    const events: string[] = [];
    let ready!: () => void;
    const firstEvent = new Promise<void>((r) => {
      ready = r;
    });
    const ended = new Promise<unknown>((done) => {
      void new Watch(kc).watch(
        `/api/v1/namespaces/${namespace}/configmaps`,
        { timeoutSeconds: 3, fieldSelector: "metadata.name=watched" },
        (type, obj: { metadata?: { name?: string } }) => {
          events.push(`${type} ${obj.metadata?.name}`);
          ready();
        },
        done,
      );
    });
    // The watch starts from now (no resourceVersion: the list's current state arrives as ADDED first).
    await core.createNamespacedConfigMap({ namespace, body: { metadata: { name: "watched" } } });
    await firstEvent;
    // null: the server closed the stream itself when timeoutSeconds ran out, not an error.
    expect(await ended).toBeNull();
    expect(events).toContain("ADDED watched");
  });

  it("keeps its objects and its controllers across an API server restart, and a watch open then is ended", async () => {
    await core.createNamespacedConfigMap({ namespace, body: { metadata: { name: "kept" } } });
    const ended = new Promise<unknown>((done) => {
      void new Watch(kc).watch(
        `/api/v1/namespaces/${namespace}/configmaps`,
        { timeoutSeconds: 300 },
        () => {},
        done,
      );
    });
    await peer.restartApiServer();
    // The watch does not outlive its server: a driver's informer must notice and watch again.
    await ended;
    const kept = await core.readNamespacedConfigMap({ name: "kept", namespace });
    expect(kept.metadata?.name).toBe("kept");
    // kwok, the scheduler and the controllers have watched again: a new Deployment still comes up.
    const labels = { app: "after-restart" };
    await apps.createNamespacedDeployment({
      namespace,
      body: {
        metadata: { name: "after-restart" },
        spec: {
          replicas: 1,
          selector: { matchLabels: labels },
          template: { metadata: { labels }, spec: { containers: [container("echo")] } },
        },
      },
    });
    await until(
      "the Deployment made after the restart is ready",
      async () =>
        (await apps.readNamespacedDeployment({ name: "after-restart", namespace })).status?.readyReplicas ===
        1,
    );
  });
});
