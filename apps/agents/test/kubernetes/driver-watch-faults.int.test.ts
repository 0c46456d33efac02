import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connectKube } from "../../src/drivers/kubernetes/kube-api";
import type { KubernetesDriver } from "../../src/drivers/kubernetes/kubernetes-driver";
import { type FreezableProxy, startFreezableProxy } from "./freezable-proxy";
import { type ProcessNodePeer, startProcessNodePeer } from "./kube-test-kit";

/**
 * The kubernetes driver's list + watch under faults, on a real API server: a watch whose link
 * stops carrying bytes (no reset) is detected as stalled and started again; an API server restart
 * ends every watch, and each is started again. Either way the driver's view catches up.
 */
let node: ProcessNodePeer;
let proxy: FreezableProxy;

beforeAll(async () => {
  node = await startProcessNodePeer({ nodeName: "watch-node-1", podAddressPrefix: "127.80" });
  proxy = await startFreezableProxy({ host: "127.0.0.1", port: Number(new URL(node.peer.server).port) });
}, 240_000);

afterAll(async () => {
  await proxy?.close();
  await node?.stop();
});

/** A driver; through `server` (the proxy) when given, with these watch settings. */
function makeDriver(
  server?: string,
  watch?: { timeoutSeconds?: number; stallMs?: number },
): KubernetesDriver {
  const { peer } = node;
  const kubeconfig = server ? peer.kubeconfig.replace(peer.server, server) : peer.kubeconfig;
  return node.driver({
    api: connectKube({ kubeconfig, requestTimeoutMs: 5_000 }),
    ...(watch ? { watch } : {}),
  });
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
    await node.peer.restartApiServer();
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
