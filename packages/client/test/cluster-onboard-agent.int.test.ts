import { chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { ApiException, AppsV1Api, CoreV1Api, KubeConfig } from "@kubernetes/client-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { useApiServer } from "../../../apps/api/test/harness";
import { type KubePeer, startKubePeer } from "../../../scripts/kube-peer/index";
import { type ProcessKubelet, startProcessKubelet } from "../../../scripts/process-kubelet/index";
import { runCli } from "./cli-io";

/**
 * End to end: `aios cluster onboard` against a real API server whose one node is a process kubelet
 * that runs the onboarding image as the repository's agent. The DaemonSet's pod runs the real
 * agent, which exchanges the Secret's join token and registers its node: the cluster is live. Its
 * pod deleted, the DaemonSet's next one takes the agent token the first kept in a Secret.
 *
 * What the process kubelet lacks, and the test gives the pod instead (a change of the DaemonSet
 * after onboarding, before the node exists): the service account token volume that in-cluster
 * configuration reads (/var/run/secrets/kubernetes.io/serviceaccount), so AIOS_K8S_KUBECONFIG names
 * a kubeconfig with a token of the agent's own service account (TokenRequest); and emptyDir
 * volumes, so AIOS_HOME and AIOS_WORKLOAD_DIR point into the test's folder, not /var/lib/aios.
 */
const redisUrl = process.env.AIOS_TEST_REDIS_URL ?? "";
const repoRoot = resolve(import.meta.dirname, "../../..");
const image = "aios:onboard-test";
const nodeName = "onboard-node-1";

describe.runIf(redisUrl)("an onboarded cluster's agent, run by a process kubelet", () => {
  const api = useApiServer({ auth: "token" });
  const cluster = `onbe-${Date.now().toString(36)}`;
  let admin: string;
  let peer: KubePeer;
  let kubelet: ProcessKubelet | undefined;
  let dir: string;
  let kc: KubeConfig;

  const run = (args: string[]) => runCli(api.url, args, admin);

  beforeAll(async () => {
    admin = (await api.services.tokens.issue({ name: "onboard e2e admin", role: "admin" })).token;
    peer = await startKubePeer({ nodes: 0 });
    kc = new KubeConfig();
    kc.loadFromString(peer.kubeconfig);
    dir = mkdtempSync(join(tmpdir(), "aios-onboard-e2e-"));
    chmodSync(dir, 0o711); // run as root, the agent gives each workload a uid of its own
  }, 120_000);

  afterAll(async () => {
    await kubelet?.stop();
    await peer?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  /** The agent pods' states and their containers' output, for a failure's message. */
  async function podReport(): Promise<string> {
    const pods = await kc.makeApiClient(CoreV1Api).listNamespacedPod({ namespace: "aios-system" });
    const states = pods.items.map(
      (p) =>
        `${p.metadata?.name} ${p.spec?.nodeName} ${p.status?.phase} ${JSON.stringify(p.status?.containerStatuses?.map((c) => c.state))}`,
    );
    const files = kubelet ? readdirSync(kubelet.dataDir, { recursive: true, encoding: "utf8" }) : [];
    const output = files
      .map((f) => join(kubelet?.dataDir ?? "", f))
      .filter((f) => f.endsWith(".log") && statSync(f).isFile())
      .map((f) => `--- ${f}\n${readFileSync(f, "utf8").slice(-3000)}`);
    return [...states, ...output].join("\n");
  }

  /** A kubeconfig signed in as the agent's service account, as its pod's projected token would be. */
  async function agentKubeconfig(): Promise<string> {
    const core = kc.makeApiClient(CoreV1Api);
    const { status } = await core.createNamespacedServiceAccountToken({
      name: "aios-agent",
      namespace: "aios-system",
      body: { spec: { audiences: [], expirationSeconds: 3600 } },
    });
    const server = kc.getCurrentCluster();
    if (!server || !status?.token) throw new Error("no cluster or token");
    const agent = new KubeConfig();
    agent.loadFromOptions({
      clusters: [server],
      users: [{ name: "aios-agent", token: status.token }],
      contexts: [{ name: "aios-agent", cluster: server.name, user: "aios-agent" }],
      currentContext: "aios-agent",
    });
    const path = join(dir, "agent.kubeconfig");
    writeFileSync(path, agent.exportConfig(), { mode: 0o600 });
    return path;
  }

  it("runs the real agent in the DaemonSet's pod; it joins with the Secret's token and its node registers", async () => {
    const onboard = await run([
      "cluster",
      "onboard",
      "--kubeconfig",
      peer.kubeconfigPath,
      "--cluster-id",
      cluster,
      "--image",
      image,
      "--queue-url",
      redisUrl,
      "--api-url",
      api.url,
    ]);
    expect(onboard.code, onboard.err).toBe(0);
    expect(onboard.out.split("\n").every((l) => l.startsWith("created"))).toBe(true);

    const apps = kc.makeApiClient(AppsV1Api);
    const given: Record<string, string> = {
      AIOS_K8S_KUBECONFIG: await agentKubeconfig(),
      // A home per pod, as its emptyDir would be ($(POD_NAME), defined first: the pod's name).
      AIOS_HOME: join(dir, "home-$(POD_NAME)"),
      AIOS_WORKLOAD_DIR: join(dir, "workloads"),
      AIOS_HEARTBEAT_SECONDS: "1",
    };
    // Read, changed, replaced; again when its controller wrote it meanwhile (409).
    for (let attempt = 1; ; attempt++) {
      const ds = await apps.readNamespacedDaemonSet({ name: "aios-agent", namespace: "aios-system" });
      const agent = ds.spec?.template.spec?.containers.find((c) => c.name === "agent");
      if (!agent) throw new Error("the DaemonSet has no agent container");
      agent.env = [
        { name: "POD_NAME", valueFrom: { fieldRef: { fieldPath: "metadata.name" } } },
        ...(agent.env ?? []).filter((e) => !(e.name in given)),
        ...Object.entries(given).map(([name, value]) => ({ name, value })),
      ];
      try {
        await apps.replaceNamespacedDaemonSet({ name: "aios-agent", namespace: "aios-system", body: ds });
        break;
      } catch (err) {
        if (!(err instanceof ApiException && err.code === 409) || attempt >= 20) throw err;
      }
    }

    kubelet = await startProcessKubelet({
      kubeconfig: peer.kubeconfig,
      nodeName,
      podAddressPrefix: "127.83",
      workingDir: (d) => d ?? repoRoot,
      images: { [image]: { workingDir: repoRoot } },
    });

    // The DaemonSet's pod on the node runs the agent, which joins and registers the node.
    const registered = async () =>
      (await api.services.nodes.list({ clusterId: cluster })).map((n) => [n.id, n.status]);
    await expect
      .poll(registered, { timeout: 120_000, interval: 1000 })
      .toEqual([[nodeName, "ready"]])
      .catch(async (err: Error) => {
        throw new Error(`${err.message}\n${await podReport()}`);
      });
    const core = kc.makeApiClient(CoreV1Api);
    const pods = await core.listNamespacedPod({ namespace: "aios-system" });
    expect(pods.items.map((p) => [p.spec?.nodeName, p.status?.phase])).toEqual([[nodeName, "Running"]]);

    // The join token was exchanged once, for an agent token of this cluster bound to this node.
    const tokens = await api.database.db.apiToken.findMany({ where: { scope: cluster } });
    expect(tokens.map((t) => [t.role, t.revokedAt === null]).sort()).toEqual([
      ["agent", true],
      ["join", false],
    ]);
    // The agent keeps its token in a Secret of its node: its pod deleted, the DaemonSet's new one
    // (a fresh home, the join token used up) takes it from there and heartbeats again.
    const kept = await core.readNamespacedSecret({
      name: `aios-agent-token-${nodeName}`,
      namespace: "aios-blocks",
    });
    expect(kept.metadata?.labels?.["aios.dev/cluster"]).toBe(cluster);
    const [first] = pods.items;
    await core.deleteNamespacedPod({ name: first?.metadata?.name as string, namespace: "aios-system" });
    // The first agent heartbeats until its pod is gone: only what comes after is the new one's.
    const agentPods = async () =>
      (await core.listNamespacedPod({ namespace: "aios-system" })).items.map((p) => p.metadata?.uid);
    await expect.poll(agentPods, { timeout: 60_000, interval: 300 }).not.toContain(first?.metadata?.uid);
    const replacedAt = Date.now();
    await expect
      .poll(
        async () => {
          const [node] = await api.services.nodes.list({ clusterId: cluster });
          return (node?.lastSeenAt ? new Date(node.lastSeenAt).getTime() : 0) > replacedAt + 2000;
        },
        { timeout: 120_000, interval: 1000 },
      )
      .toBe(true)
      .catch(async (err: Error) => {
        throw new Error(`${err.message}\n${await podReport()}`);
      });
    // Two pods, two homes: the second began with none.
    expect(readdirSync(dir).filter((f) => f.startsWith("home-"))).toHaveLength(2);
    const after = await api.database.db.apiToken.findMany({ where: { scope: cluster } });
    expect(after.map((t) => [t.role, t.revokedAt === null]).sort()).toEqual([
      ["agent", true],
      ["join", false],
    ]);

    const clusters = await run(["get", "clusters", "-o", "json"]);
    expect(clusters.code, clusters.err).toBe(0);
    expect(JSON.stringify(JSON.parse(clusters.out))).toContain(`"${cluster}"`);

    // Offboarding removes the DaemonSet, and with it the pod and its agent process.
    const off = await run(["cluster", "offboard", cluster, "--kubeconfig", peer.kubeconfigPath]);
    expect(off.code, off.err).toBe(0);
    await expect
      .poll(async () => (await core.listNamespacedPod({ namespace: "aios-system" })).items.length, {
        timeout: 60_000,
        interval: 500,
      })
      .toBe(0);
    expect(kubelet.pids()).toEqual({});
  }, 240_000);
});
