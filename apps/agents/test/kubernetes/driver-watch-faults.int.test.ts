import { resolve } from "node:path";
import { CoreV1Api, KubeConfig } from "@kubernetes/client-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type KubePeer, startKubePeer } from "../../../../scripts/kube-peer/index";
import { type ProcessKubelet, startProcessKubelet } from "../../../../scripts/process-kubelet/index";
import { connectKube } from "../../src/drivers/kubernetes/kube-api";
import {
  createKubernetesDriver,
  type KubernetesDriver,
} from "../../src/drivers/kubernetes/kubernetes-driver";
import { type FreezableProxy, startFreezableProxy } from "./freezable-proxy";

/**
 * The kubernetes driver's list + watch under faults, on a real API server: a watch whose link
 * stops carrying bytes (no reset) is detected as stalled and started again; an API server restart
 * ends every watch, and each is started again. Either way the driver's view catches up.
 */
const repoRoot = resolve(import.meta.dirname, "../../../..");
const namespace = "aios";
const nodeName = "watch-node-1";
let peer: KubePeer;
let kubelet: ProcessKubelet;
let proxy: FreezableProxy;
const drivers: KubernetesDriver[] = [];

beforeAll(async () => {
  peer = await startKubePeer({ nodes: 0 });
  kubelet = await startProcessKubelet({
    kubeconfig: peer.kubeconfig,
    nodeName,
    podAddressPrefix: "127.80",
    workingDir: (dir) => dir ?? repoRoot,
  });
  const kc = new KubeConfig();
  kc.loadFromString(peer.kubeconfig);
  await kc.makeApiClient(CoreV1Api).createNamespace({ body: { metadata: { name: namespace } } });
  proxy = await startFreezableProxy({ host: "127.0.0.1", port: Number(new URL(peer.server).port) });
}, 240_000);

afterAll(async () => {
  for (const d of drivers) d.dispose();
  await proxy?.close();
  await kubelet?.stop();
  await peer?.stop();
});

function makeDriver(
  server?: string,
  watch?: { timeoutSeconds?: number; stallMs?: number },
): KubernetesDriver {
  const kubeconfig = server ? peer.kubeconfig.replace(peer.server, server) : peer.kubeconfig;
  const driver = createKubernetesDriver({
    api: connectKube({ kubeconfig, requestTimeoutMs: 5_000 }),
    namespace,
    nodeName,
    clusterId: "c1",
    image: "aios:test",
    repoRoot,
    imageRepoRoot: repoRoot,
    port: 8080,
    runtimeEnv: {},
    ...(watch ? { watch } : {}),
  });
  drivers.push(driver);
  return driver;
}

const hello = (name: string) => ({
  name,
  kind: "instance" as const,
  entry: "apps/agents/test/fixtures/http-hello.ts",
  env: {},
  gpus: [],
});

describe("the kubernetes driver's watches under faults", { timeout: 120_000 }, () => {
  it("a watch that stalls (its link carries nothing, and no reset comes) is started again; the view catches up", async () => {
    const watching = makeDriver(`https://127.0.0.1:${proxy.port}`, { timeoutSeconds: 300, stallMs: 2_000 });
    await watching.ready?.();
    // Its two lists' connections and a watch each of pods and Secrets are open: freeze them all.
    await expect.poll(() => proxy.open(), { timeout: 10_000, interval: 50 }).toBeGreaterThanOrEqual(4);
    const before = watching.reconnects();
    proxy.freeze();
    const w = await makeDriver().start(hello("stall-1"));
    try {
      await expect
        .poll(() => watching.list().includes("stall-1"), { timeout: 60_000, interval: 300 })
        .toBe(true);
      expect(watching.reconnects()).toBeGreaterThan(before);
      expect(watching.adopt("stall-1")?.endpoint).toBe(w.endpoint);
    } finally {
      await w.stop();
    }
  });

  it("an API server restart ends every watch; each is started again and the view catches up", async () => {
    const watching = makeDriver();
    await watching.ready?.();
    const running = await watching.start(hello("restart-1"));
    const before = watching.reconnects();
    await peer.restartApiServer();
    const later = await makeDriver().start(hello("restart-2"));
    try {
      await expect
        .poll(() => watching.list().includes("restart-2"), { timeout: 60_000, interval: 300 })
        .toBe(true);
      expect(watching.reconnects()).toBeGreaterThan(before);
      // What ran across the restart is still known and still answers.
      expect(watching.adopt("restart-1")?.endpoint).toBe(running.endpoint);
      expect(await (await fetch(running.endpoint)).json()).toEqual({ hello: "world" });
    } finally {
      await Promise.all([running.stop(), later.stop()]);
    }
  });
});
