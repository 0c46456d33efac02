import type { CoreV1Api } from "@kubernetes/client-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { WorkloadSpec } from "../../src/drivers/driver";
import { type ProcessNodePeer, startProcessNodePeer } from "./kube-test-kit";

/**
 * An instance's init container and side-car on the kubernetes driver, against the real API server
 * (which validates the pod) with the process kubelet running the pod's containers: the greeter
 * example reads what its init container wrote into the pod's work volume and calls its side-car on
 * the port it was told, on the pod's address.
 */
let node: ProcessNodePeer;
let core: CoreV1Api;

beforeAll(async () => {
  node = await startProcessNodePeer({ nodeName: "aios-node-sidecars", podAddressPrefix: "127.81" });
  core = node.core;
}, 240_000);

afterAll(async () => {
  await node?.stop();
});

const dir = "examples/components/greeter-with-sidecar";
const specOf = (name: string, failWith?: string): WorkloadSpec => {
  const [blockId, instanceId] = [name.slice(0, -8), name.slice(-7)];
  const initData = { blockId, instanceId, componentURI: "model.greeter:1.0.0-stable", parameters: {} };
  return {
    name,
    kind: "instance",
    entry: `${dir}/index.ts`,
    env: { BLOCK_ID: blockId, INSTANCE_ID: instanceId, AIOS_INIT_DATA: JSON.stringify(initData) },
    gpus: [],
    dataToken: "data-token-of-the-greeter-pod-0123456789abcdef",
    controlToken: "control-token-of-the-greeter-pod-0123456789ab",
    initContainers: [
      {
        name: "prepare",
        entry: `${dir}/prepare.ts`,
        env: { GREETING: "hallo", ...(failWith ? { FAIL_WITH: failWith } : {}) },
      },
    ],
    sidecars: [{ name: "stamp", entry: `${dir}/stamp-server.ts`, ports: [{ name: "stamp" }] }],
  };
};

describe("an instance's init containers and side-cars (kubernetes driver)", { timeout: 120_000 }, () => {
  it("makes them containers of the instance's pod, sharing its work volume, told the ports", async () => {
    const w = await node.driver().start(specOf("greet-k8s-in-aaaa"));
    try {
      const pod = await core.readNamespacedPod({ name: "greet-k8s-in-aaaa", namespace: node.namespace });
      expect(pod.spec?.initContainers?.map((c) => c.name)).toEqual(["prepare"]);
      expect(pod.spec?.containers.map((c) => c.name)).toEqual(["workload", "stamp"]);
      const [main, stamp] = pod.spec?.containers ?? [];
      expect(stamp?.ports).toEqual([{ name: "stamp", containerPort: 8081, protocol: "TCP" }]);
      expect(main?.env).toContainEqual({ name: "AIOS_SIDECAR_PORT_STAMP", value: "8081" });
      expect(stamp?.env).toContainEqual({ name: "AIOS_INSTANCE_PORT", value: "8080" });
      expect(stamp?.volumeMounts).toEqual([{ name: "work", mountPath: "/aios/work" }]);
      // Only the instance's container names its tokens.
      expect(JSON.stringify(stamp)).not.toContain("AIOS_DATA_TOKEN");
      await expect
        .poll(
          async () => {
            const res = await fetch(`${w.endpoint}/infer`, {
              method: "POST",
              headers: { authorization: `Bearer ${w.dataToken}` },
              body: JSON.stringify({ packet: { session_id: "s", seq_no: 0, ts: 1, data: { name: "Ada" } } }),
            });
            return ((await res.json()) as { packet?: { data: unknown } }).packet?.data;
          },
          { timeout: 30_000 },
        )
        .toMatchObject({ greeting: "hallo", name: "Ada", instancePort: 8080 });
      // Each companion's output, by its name, read from the API server's pods/log.
      await expect
        .poll(() => w.logs(50, "stamp").join("\n"), { timeout: 20_000 })
        .toContain("stamp side-car listening on 8081");
      await expect
        .poll(() => w.logs(50, "prepare").join("\n"), { timeout: 20_000 })
        .toContain('prepare: wrote greeting "hallo" for the instance on port 8080');
      expect(w.logs(50, "nobody")).toEqual(["pod greet-k8s-in-aaaa has no container nobody"]);
    } finally {
      await w.stop();
    }
  });

  it("ends the instance when its side-car ends, naming it, so the agent starts the pod again whole", async () => {
    const w = await node.driver().start(specOf("greet-k8s-in-cccc"));
    try {
      const pid = node.kubelet.pids()[`${node.namespace}/greet-k8s-in-cccc`]?.stamp;
      expect(pid).toBeGreaterThan(0);
      process.kill(pid as number, "SIGKILL");
      expect(await w.exited).toEqual({ code: null, signal: "SIGKILL", sidecar: "stamp" });
    } finally {
      await w.stop();
    }
  });

  it("fails the start when an init container fails, naming it and how it ended", async () => {
    await expect(node.driver().start(specOf("greet-k8s-in-bbbb", "4"))).rejects.toThrow(
      /greet-k8s-in-bbbb cannot start \(init container prepare exited \(4\)\)/,
    );
  });
});
