import { PassThrough } from "node:stream";
import {
  AppsV1Api,
  CoordinationV1Api,
  CoreV1Api,
  KubeConfig,
  Log,
  type V1Container,
  type V1Pod,
  Watch,
} from "@kubernetes/client-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type KubePeer, startKubePeer } from "../../../../scripts/kube-peer/index";
import {
  type ProcessKubelet,
  processKubeletLabel,
  startProcessKubelet,
} from "../../../../scripts/process-kubelet/index";
import { notFound, until } from "./kube-test-kit";

/**
 * The process kubelet (scripts/process-kubelet) against the real control plane of the test peer:
 * pods bound to its node run as processes of this machine on loopback pod IPs, and everything the
 * driver sees goes through the API server (status, logs, deletion).
 */

const namespace = "process-kubelet";
const nodeName = "process-node-0";
let peer: KubePeer;
let kubelet: ProcessKubelet;
let kc: KubeConfig;
let core: CoreV1Api;
let apps: AppsV1Api;
/** The process kubelet's own complaints: a status the API server refused would show here. */
const kubeletLog: string[] = [];

beforeAll(async () => {
  peer = await startKubePeer({ nodes: 1, gpusPerNode: 4 });
  kc = new KubeConfig();
  kc.loadFromString(peer.kubeconfig);
  core = kc.makeApiClient(CoreV1Api);
  apps = kc.makeApiClient(AppsV1Api);
  kubelet = await startProcessKubelet({
    kubeconfig: peer.kubeconfig,
    nodeName,
    gpus: 2,
    podAddressPrefix: "127.77",
    restartBackoffMs: { initial: 200, max: 1000 },
    log: (line) => kubeletLog.push(line),
  });
  await core.createNamespace({ body: { metadata: { name: namespace } } });
  await until("the namespace's default service account", () =>
    core.readNamespacedServiceAccount({ name: "default", namespace }).then(() => true, notFound),
  );
}, 180_000);

afterAll(async () => {
  await kubelet?.stop();
  await peer?.stop();
});

const isReady = (pod: V1Pod) =>
  pod.status?.phase === "Running" &&
  pod.status.conditions?.some((c) => c.type === "Ready" && c.status === "True");

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

const readPod = (name: string) => core.readNamespacedPod({ name, namespace });

/** An HTTP server on the pod's own address: `GET /` answers who it is; each request is logged. */
const serverScript = `
const http = require("node:http");
console.log("started pid=" + process.pid + " greeting=" + process.env.GREETING);
http.createServer((req, res) => {
  console.log("served " + req.url);
  res.end(JSON.stringify({ ip: process.env.POD_IP, greeting: process.env.GREETING, pod: process.env.POD_NAME }));
}).listen(8080, process.env.POD_IP, () => console.log("listening on " + process.env.POD_IP + ":8080"));
`;

const serverContainer = (env: V1Container["env"] = []): V1Container => ({
  name: "server",
  // Never pulled: the process kubelet runs the command on this machine.
  image: "registry.invalid/aios/node:1",
  command: [process.execPath, "-e", serverScript],
  env: [
    { name: "POD_IP", valueFrom: { fieldRef: { fieldPath: "status.podIP" } } },
    { name: "POD_NAME", valueFrom: { fieldRef: { fieldPath: "metadata.name" } } },
    ...env,
  ],
  ports: [{ name: "http", containerPort: 8080 }],
  readinessProbe: { httpGet: { path: "/ready", port: "http" }, periodSeconds: 1 },
});

const script = (name: string, code: string): V1Container => ({
  name,
  image: "registry.invalid/aios/node:1",
  command: [process.execPath, "-e", code],
});

describe("the process kubelet", () => {
  it("registers a Ready node with its GPUs, its kubelet port and a lease", async () => {
    const node = await core.readNode({ name: nodeName });
    expect(node.metadata?.labels?.[processKubeletLabel]).toBe("process");
    expect(node.metadata?.annotations?.["kwok.x-k8s.io/node"]).toBeUndefined();
    expect(node.status?.allocatable?.["nvidia.com/gpu"]).toBe("2");
    expect(node.status?.addresses).toEqual([{ type: "InternalIP", address: "127.0.0.1" }]);
    expect(node.status?.daemonEndpoints?.kubeletEndpoint?.Port).toBeGreaterThan(0);
    expect(node.status?.conditions?.find((c) => c.type === "Ready")?.status).toBe("True");
    const lease = await kc
      .makeApiClient(CoordinationV1Api)
      .readNamespacedLease({ name: nodeName, namespace: "kube-node-lease" });
    expect(lease.spec?.holderIdentity).toBe(nodeName);
  });

  it("runs a bound pod's server on its own loopback IP, Ready, with env from a Secret, and serves its logs", async () => {
    await core.createNamespacedSecret({
      namespace,
      body: { metadata: { name: "greeting" }, stringData: { word: "hello" } },
    });
    await core.createNamespacedPod({
      namespace,
      body: {
        metadata: { name: "web" },
        spec: {
          nodeName,
          containers: [
            serverContainer([
              { name: "GREETING", valueFrom: { secretKeyRef: { name: "greeting", key: "word" } } },
            ]),
          ],
        },
      },
    });
    const pod = await until("the pod is Ready", async () => {
      const p = await readPod("web");
      return isReady(p) ? p : false;
    });
    const ip = pod.status!.podIP!;
    expect(ip).toMatch(/^127\.77\.\d+\.\d+$/);
    expect(pod.status?.podIPs).toEqual([{ ip }]);
    expect(pod.status?.hostIP).toBe("127.0.0.1");
    expect(pod.status?.startTime).toBeInstanceOf(Date);
    const types = pod.status?.conditions?.filter((c) => c.status === "True").map((c) => c.type);
    expect(types).toEqual(
      expect.arrayContaining(["PodScheduled", "Initialized", "ContainersReady", "Ready"]),
    );
    const status = pod.status!.containerStatuses![0]!;
    expect(status).toMatchObject({ name: "server", ready: true, restartCount: 0 });
    expect(status.state?.running?.startedAt).toBeInstanceOf(Date);
    const pid = Number(status.containerID!.replace("process://", ""));
    expect(kubelet.pids()[`${namespace}/web`]).toEqual({ server: pid });

    const answer = await (await fetch(`http://${ip}:8080/`)).json();
    expect(answer).toEqual({ ip, greeting: "hello", pod: "web" });

    const log = await core.readNamespacedPodLog({ name: "web", namespace, container: "server" });
    expect(log).toContain(`started pid=${pid} greeting=hello`);
    expect(log).toContain("served /ready");
    const last = await core.readNamespacedPodLog({ name: "web", namespace, tailLines: 1 });
    expect(last.trimEnd().split("\n")).toHaveLength(1);
  });

  it("follows a container's output through the API server until the container ends", async () => {
    const finisher = serverContainer();
    finisher.command = [
      process.execPath,
      "-e",
      `require("node:http").createServer((req, res) => {
        console.log("finishing on " + req.url);
        res.end("bye", () => process.exit(0));
      }).listen(8080, process.env.POD_IP, () => console.log("listening"));`,
    ];
    finisher.readinessProbe = { tcpSocket: { port: 8080 }, periodSeconds: 1 };
    await core.createNamespacedPod({
      namespace,
      body: {
        metadata: { name: "finisher" },
        spec: { nodeName, restartPolicy: "Never", containers: [finisher] },
      },
    });
    const ip = await until("the pod is Ready", async () => {
      const p = await readPod("finisher");
      return isReady(p) ? p.status!.podIP! : false;
    });
    const stream = new PassThrough();
    let followed = "";
    stream.on("data", (chunk: Buffer) => {
      followed += chunk.toString();
    });
    const ended = new Promise((done) => stream.on("end", done));
    await new Log(kc).log(namespace, "finisher", "server", stream, { follow: true });
    await until("the follow stream has the output so far", async () => followed.includes("listening"));
    // Written after the stream opened; then the container exits, which ends the stream.
    await fetch(`http://${ip}:8080/finish`);
    await ended;
    expect(followed).toBe("listening\nfinishing on /finish\n");
  });

  it("runs init containers first, in the pod's folder, then the container to Succeeded", async () => {
    await core.createNamespacedPod({
      namespace,
      body: {
        metadata: { name: "staged" },
        spec: {
          nodeName,
          restartPolicy: "Never",
          initContainers: [script("prepare", `require("node:fs").writeFileSync("stage.txt", "prepared")`)],
          containers: [
            script("main", `console.log("read " + require("node:fs").readFileSync("stage.txt", "utf8"))`),
          ],
        },
      },
    });
    const pod = await until("the pod succeeds", async () => {
      const p = await readPod("staged");
      return p.status?.phase === "Succeeded" ? p : false;
    });
    expect(pod.status?.initContainerStatuses?.[0]?.state?.terminated).toMatchObject({
      exitCode: 0,
      reason: "Completed",
    });
    expect(pod.status?.containerStatuses?.[0]?.state?.terminated).toMatchObject({
      exitCode: 0,
      reason: "Completed",
    });
    expect(await core.readNamespacedPodLog({ name: "staged", namespace, container: "main" })).toBe(
      "read prepared\n",
    );
  });

  it("fails a pod whose container exits 3 under restartPolicy Never", async () => {
    await core.createNamespacedPod({
      namespace,
      body: {
        metadata: { name: "exit3" },
        spec: { nodeName, restartPolicy: "Never", containers: [script("c", "process.exit(3)")] },
      },
    });
    const pod = await until("the pod fails", async () => {
      const p = await readPod("exit3");
      return p.status?.phase === "Failed" ? p : false;
    });
    const terminated = pod.status?.containerStatuses?.[0]?.state?.terminated;
    expect(terminated).toMatchObject({ exitCode: 3, reason: "Error" });
    expect(terminated?.finishedAt).toBeInstanceOf(Date);
  });

  it("restarts a failing container under restartPolicy Always, and one whose liveness probe fails", async () => {
    await core.createNamespacedPod({
      namespace,
      body: {
        metadata: { name: "crashing" },
        spec: { nodeName, containers: [script("c", `console.log("run"); process.exit(1)`)] },
      },
    });
    const crashed = await until("the container restarted twice", async () => {
      const s = (await readPod("crashing")).status?.containerStatuses?.[0];
      return (s?.restartCount ?? 0) >= 2 ? s : false;
    });
    expect(crashed?.lastState?.terminated?.exitCode).toBe(1);
    expect((await readPod("crashing")).status?.phase).toBe("Running");
    const previous = await core.readNamespacedPodLog({ name: "crashing", namespace, previous: true });
    expect(previous).toBe("run\n");

    const unhealthy = serverContainer();
    unhealthy.livenessProbe = { httpGet: { path: "/", port: 8081 }, periodSeconds: 1, failureThreshold: 2 };
    await core.createNamespacedPod({
      namespace,
      body: {
        metadata: { name: "unhealthy" },
        spec: { nodeName, terminationGracePeriodSeconds: 2, containers: [unhealthy] },
      },
    });
    const restarted = await until("the unhealthy container restarted", async () => {
      const s = (await readPod("unhealthy")).status?.containerStatuses?.[0];
      return (s?.restartCount ?? 0) >= 1 ? s : false;
    });
    // Stopped by SIGTERM: 128 + 15.
    expect(restarted?.lastState?.terminated?.exitCode).toBe(143);
  });

  it("runs the pods of a Deployment that the scheduler places on the process node", async () => {
    const labels = { app: "web-set" };
    await apps.createNamespacedDeployment({
      namespace,
      body: {
        metadata: { name: "web-set", labels },
        spec: {
          replicas: 2,
          selector: { matchLabels: labels },
          template: {
            metadata: { labels },
            spec: { nodeSelector: { [processKubeletLabel]: "process" }, containers: [serverContainer()] },
          },
        },
      },
    });
    await until("the Deployment has 2 ready replicas", async () => {
      const d = await apps.readNamespacedDeployment({ name: "web-set", namespace });
      return d.status?.readyReplicas === 2;
    });
    const pods = await core.listNamespacedPod({ namespace, labelSelector: "app=web-set" });
    expect(pods.items).toHaveLength(2);
    const ips = new Set<string>();
    for (const pod of pods.items) {
      expect(pod.spec?.nodeName).toBe(nodeName);
      const ip = pod.status!.podIP!;
      ips.add(ip);
      const answer = (await (await fetch(`http://${ip}:8080/`)).json()) as { pod: string };
      expect(answer.pod).toBe(pod.metadata?.name);
    }
    expect(ips.size).toBe(2);
  });

  it("stops a deleted pod's process, then the pod object goes", async () => {
    const pid = kubelet.pids()[`${namespace}/web`]!.server!;
    expect(alive(pid)).toBe(true);
    await core.deleteNamespacedPod({ name: "web", namespace, gracePeriodSeconds: 5 });
    await until("the pod object is gone", () =>
      readPod("web").then(
        () => false,
        (e) => !notFound(e),
      ),
    );
    expect(alive(pid)).toBe(false);
  });

  it("kills a process that ignores SIGTERM once the grace period is over", async () => {
    await core.createNamespacedPod({
      namespace,
      body: {
        metadata: { name: "stubborn" },
        spec: {
          nodeName,
          containers: [
            script(
              "c",
              `process.on("SIGTERM", () => console.log("ignoring SIGTERM")); setInterval(() => {}, 1000); console.log("up");`,
            ),
          ],
        },
      },
    });
    await until("the pod runs", async () => (await readPod("stubborn")).status?.phase === "Running");
    const pid = kubelet.pids()[`${namespace}/stubborn`]!.c!;
    await until("its output is there", async () =>
      (await core.readNamespacedPodLog({ name: "stubborn", namespace })).includes("up"),
    );
    const seen: V1Pod[] = [];
    const watching = await new Watch(kc).watch(
      `/api/v1/namespaces/${namespace}/pods`,
      { fieldSelector: "metadata.name=stubborn" },
      (type, pod: V1Pod) => type === "MODIFIED" && seen.push(pod),
      () => {},
    );
    await core.deleteNamespacedPod({ name: "stubborn", namespace, gracePeriodSeconds: 1 });
    await until("the pod object is gone", () =>
      readPod("stubborn").then(
        () => false,
        (e) => !notFound(e),
      ),
    );
    watching.abort();
    expect(alive(pid)).toBe(false);
    // Its last status, written before the final delete: killed by SIGKILL (128 + 9), so Failed.
    const last = seen.at(-1)!;
    expect(last.status?.phase).toBe("Failed");
    expect(last.status?.containerStatuses?.[0]?.state?.terminated).toMatchObject({
      exitCode: 137,
      signal: 9,
    });
  });

  it("leaves no process behind once stopped", async () => {
    const pids = Object.values(kubelet.pids()).flatMap((byContainer) => Object.values(byContainer));
    // At least the Deployment's two servers (the crashing pods may be between runs).
    expect(pids.length).toBeGreaterThanOrEqual(2);
    expect(pids.every(alive)).toBe(true);
    await kubelet.stop();
    expect(pids.filter(alive)).toEqual([]);
    const notices = /: Ready, kubelet API on |failed its probe; stopping it/;
    expect(kubeletLog.filter((line) => !notices.test(line))).toEqual([]);
  });
});
