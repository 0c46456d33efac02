import type { CoreV1Api } from "@kubernetes/client-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { driverContract } from "../driver-contract";
import { type ProcessNodePeer, repoRoot, startProcessNodePeer, until } from "./kube-test-kit";

/**
 * The kubernetes driver against a real API server (testpeers/kubernetes) whose node is played by
 * the process kubelet (scripts/process-kubelet): pods run as processes of this machine, each on a
 * loopback address of its own, so the driver contract's workloads really answer.
 */
let node: ProcessNodePeer;
let core: CoreV1Api;
let namespace: string;

beforeAll(async () => {
  node = await startProcessNodePeer({
    nodeName: "aios-node-1",
    podAddressPrefix: "127.78",
    // A component's own image, and its entrypoint.
    images: {
      "example/hello:1.0": {
        entrypoint: ["node", "--import", "tsx", "apps/agents/test/fixtures/http-hello.ts"],
        workingDir: repoRoot,
      },
    },
  });
  core = node.core;
  namespace = node.namespace;
}, 240_000);

afterAll(async () => {
  await node?.stop();
});

const makeDriver = () => node.driver();

driverContract("kubernetes", makeDriver);
// The platform's runtimes run as Deployments with Services (deployment-spec.ts): the same contract.
driverContract("kubernetes", makeDriver, { kind: "executor" });

describe("kubernetes driver: what Kubernetes holds", { timeout: 120_000 }, () => {
  it("a workload is a pod bound to the agent's node, its tokens in a Secret the pod owns", async () => {
    const driver = makeDriver();
    const w = await driver.start({
      name: "b-k8s-in-aaaa",
      kind: "instance",
      entry: "apps/agents/test/fixtures/http-hello.ts",
      env: { GREETING: "pods" },
      gpus: [1],
      controlToken: "control-of-b-k8s-in-aaaa",
    });
    try {
      expect(await (await fetch(w.endpoint)).json()).toEqual({ hello: "pods" });
      const pod = await core.readNamespacedPod({ name: "b-k8s-in-aaaa", namespace });
      expect(pod.spec?.nodeName).toBe(node.nodeName);
      expect(pod.spec?.automountServiceAccountToken).toBe(false);
      // Its GPU asked for by the extended resource, numbered from 0 inside its container.
      expect(pod.spec?.containers[0]?.resources?.limits).toEqual({ "nvidia.com/gpu": "1" });
      expect(pod.spec?.containers[0]?.env).toContainEqual({ name: "CUDA_VISIBLE_DEVICES", value: "0" });
      expect(JSON.stringify(pod.spec)).not.toContain("control-of-b-k8s-in-aaaa");
      const secret = await core.readNamespacedSecret({ name: "b-k8s-in-aaaa-tokens", namespace });
      expect(secret.metadata?.ownerReferences?.[0]).toMatchObject({ kind: "Pod", uid: pod.metadata?.uid });
    } finally {
      await w.stop();
    }
    const left = await core.listNamespacedSecret({
      namespace,
      labelSelector: "app.kubernetes.io/managed-by=aios-agent",
    });
    expect(left.items.map((s) => s.metadata?.name)).not.toContain("b-k8s-in-aaaa-tokens");
  });

  it("releasing an owner lets the garbage collector remove its pods, their Secrets and its NetworkPolicy", async () => {
    const driver = makeDriver();
    const owner = { kind: "block" as const, id: "b-gc" };
    const w = await driver.start({
      name: "b-gc-in-cccc",
      kind: "instance",
      entry: "apps/agents/test/fixtures/http-hello.ts",
      env: {},
      gpus: [],
      owner: { ...owner, instanceId: "in-cccc" },
      dataToken: "data-of-b-gc-in-cccc",
    });
    expect(
      (await core.readNamespacedPod({ name: "b-gc-in-cccc", namespace })).metadata?.labels,
    ).toMatchObject({
      "aios.dev/block": "b-gc",
      "aios.dev/instance": "in-cccc",
    });
    // Its instances are reached by its own executor only (and the agents): a policy of its own.
    const policy = await node.networking.readNamespacedNetworkPolicy({ name: "aios-block-b-gc", namespace });
    const blockObject = await core.readNamespacedConfigMap({ name: "aios-block-b-gc", namespace });
    expect(policy.spec?.podSelector?.matchLabels).toMatchObject({ "aios.dev/block": "b-gc" });
    expect(policy.metadata?.ownerReferences?.[0]?.uid).toBe(blockObject.metadata?.uid);
    // Not stopped by the driver: the owner goes, and Kubernetes' garbage collector does the rest.
    await driver.release?.(owner);
    await w.exited;
    await expect
      .poll(
        async () =>
          (await core.listNamespacedSecret({ namespace, labelSelector: "aios.dev/block=b-gc" })).items
            .length +
          (
            await node.networking.listNamespacedNetworkPolicy({
              namespace,
              labelSelector: "aios.dev/block=b-gc",
            })
          ).items.length,
        { timeout: 60_000, interval: 300 },
      )
      .toBe(0);
    expect(driver.list()).not.toContain("b-gc-in-cccc");
  });

  it("runs a component's own image (its entrypoint); an image that cannot be pulled fails the start with the reason", async () => {
    const driver = makeDriver();
    const w = await driver.start({
      name: "b-img-in-dddd",
      kind: "instance",
      entry: "",
      image: "example/hello:1.0",
      imagePull: {
        containerRegistryId: "team",
        server: "registry.example:5000",
        secretName: "aios-registry-team",
        credentials: { username: "puller", password: "s3cret" },
      },
      env: { GREETING: "from an image" },
      gpus: [],
    });
    try {
      expect(await (await fetch(w.endpoint)).json()).toEqual({ hello: "from an image" });
      const pod = await core.readNamespacedPod({ name: "b-img-in-dddd", namespace });
      expect(pod.spec?.containers[0]?.command).toBeUndefined();
      expect(pod.spec?.imagePullSecrets).toEqual([{ name: "aios-registry-team" }]);
      // The driver made the registry's pull Secret from the credentials it was handed.
      const pull = await core.readNamespacedSecret({ name: "aios-registry-team", namespace });
      expect(pull.type).toBe("kubernetes.io/dockerconfigjson");
      const config = JSON.parse(Buffer.from(pull.data?.[".dockerconfigjson"] ?? "", "base64").toString());
      expect(config.auths["registry.example:5000"]).toEqual({
        username: "puller",
        password: "s3cret",
        auth: Buffer.from("puller:s3cret").toString("base64"),
      });
    } finally {
      await w.stop();
    }
    await expect(
      driver.start({
        name: "b-img-in-eeee",
        kind: "instance",
        entry: "",
        image: "nowhere/missing:1",
        env: {},
        gpus: [],
      }),
    ).rejects.toThrow(
      /b-img-in-eeee cannot start \((ErrImagePull|ImagePullBackOff): failed to pull image "nowhere\/missing:1"/,
    );
    expect(driver.list()).not.toContain("b-img-in-eeee");
  });

  it("a retried start of the same name replaces the pod instead of making a second", async () => {
    const driver = makeDriver();
    const spec = {
      name: "b-k8s-in-bbbb",
      kind: "instance" as const,
      entry: "apps/agents/test/fixtures/http-hello.ts",
      env: {},
      gpus: [],
    };
    const first = await driver.start(spec);
    const second = await driver.start(spec);
    try {
      const pods = await core.listNamespacedPod({ namespace, fieldSelector: "metadata.name=b-k8s-in-bbbb" });
      expect(pods.items).toHaveLength(1);
      // The first pod is gone: its workload has ended.
      await expect(first.exited).resolves.toBeDefined();
      expect(await (await fetch(second.endpoint)).json()).toEqual({ hello: "world" });
    } finally {
      await second.stop();
    }
  });

  it("an executor is a Deployment of one pod with a Service, replaced by Kubernetes, collected with its block", async () => {
    const owner = { kind: "block" as const, id: "b-dep" };
    const spec = {
      name: "b-dep-executor",
      kind: "executor" as const,
      entry: "apps/agents/test/fixtures/http-hello.ts",
      env: { GREETING: "deployment" },
      gpus: [],
      owner,
      controlToken: "control-of-b-dep-1",
    };
    const w = await makeDriver().start(spec);
    expect(await (await fetch(w.endpoint)).json()).toEqual({ hello: "deployment" });
    const apps = node.apps;
    const deployment = await apps.readNamespacedDeployment({ name: "b-dep-executor", namespace });
    const blockObject = await core.readNamespacedConfigMap({ name: "aios-block-b-dep", namespace });
    expect(deployment.metadata?.labels).toMatchObject({
      "app.kubernetes.io/component": "executor",
      "aios.dev/block": "b-dep",
      "aios.dev/node": node.nodeName,
    });
    expect(deployment.metadata?.ownerReferences).toEqual([
      expect.objectContaining({ kind: "ConfigMap", uid: blockObject.metadata?.uid }),
    ]);
    expect([deployment.spec?.replicas, deployment.spec?.strategy?.type]).toEqual([1, "Recreate"]);
    expect(deployment.spec?.template.spec?.nodeName).toBe(node.nodeName);
    expect(deployment.spec?.template.spec?.restartPolicy).toBe("Always");
    const service = await core.readNamespacedService({ name: "b-dep-executor", namespace });
    expect(service.spec?.selector).toEqual({ "aios.dev/workload": "b-dep-executor" });
    expect(service.spec?.ports?.[0]).toMatchObject({ port: 8080, targetPort: "http" });
    const byDeployment = [expect.objectContaining({ kind: "Deployment", uid: deployment.metadata?.uid })];
    expect(service.metadata?.ownerReferences).toEqual(byDeployment);
    const secret = await core.readNamespacedSecret({ name: "b-dep-executor-tokens", namespace });
    expect(secret.metadata?.ownerReferences).toEqual(byDeployment);

    // Its pod deleted: the workload has ended, Kubernetes makes another, and an agent adopts it.
    const podsOf = async () =>
      (
        await core.listNamespacedPod({ namespace, labelSelector: "aios.dev/workload=b-dep-executor" })
      ).items.filter((p) => !p.metadata?.deletionTimestamp);
    const [first] = await podsOf();
    await core.deleteNamespacedPod({ name: first?.metadata?.name as string, namespace });
    await w.exited;
    const agent = makeDriver();
    await agent.ready?.();
    const again = await until("the deployment's new pod to be adopted", async () => {
      const adopted = agent.adopt("b-dep-executor");
      return adopted && adopted.endpoint !== w.endpoint ? adopted : undefined;
    });
    expect(again.controlToken).toBe("control-of-b-dep-1");
    expect(await (await fetch(again.endpoint)).json()).toEqual({ hello: "deployment" });

    // Started again with new tokens: the template changes, and one pod runs, holding them.
    const restarted = await makeDriver().start({ ...spec, controlToken: "control-of-b-dep-2" });
    expect(await (await fetch(`${restarted.endpoint}/control-token`)).json()).toMatchObject({
      controlToken: "control-of-b-dep-2",
    });
    await again.exited;
    await expect.poll(async () => (await podsOf()).length, { timeout: 30_000, interval: 300 }).toBe(1);

    // The block removed: Deployment, pod, Service and Secret go with its object.
    await agent.release?.(owner);
    await restarted.exited;
    await expect
      .poll(
        async () => [
          (await apps.listNamespacedDeployment({ namespace, labelSelector: "aios.dev/block=b-dep" })).items
            .length,
          (await core.listNamespacedService({ namespace, labelSelector: "aios.dev/block=b-dep" })).items
            .length,
          (await core.listNamespacedSecret({ namespace, labelSelector: "aios.dev/block=b-dep" })).items
            .length,
          (await podsOf()).length,
        ],
        { timeout: 60_000, interval: 300 },
      )
      .toEqual([0, 0, 0, 0]);
  });
});
