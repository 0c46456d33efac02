import type { V1ContainerStatus, V1Pod } from "@kubernetes/client-node";
import { describe, expect, it } from "vitest";
import type { WorkloadSpec } from "../../src/drivers/driver";
import { podNameOf, podOf } from "../../src/drivers/kubernetes/pod-spec";
import { podStateOf } from "../../src/drivers/kubernetes/pod-status";
import { settings } from "./pod-settings";

describe("an instance's init containers and side-cars in its pod", () => {
  const sha256 = "cd".repeat(32);
  const spec: WorkloadSpec = {
    name: "b-9-in-aaaa",
    kind: "instance",
    entry: "",
    bundle: `/var/lib/aios/assets/${sha256}/component.mjs`,
    asset: { assetURI: "model.mine:0.1.0-dev", sha256 },
    env: { BLOCK_ID: "b-9", INSTANCE_ID: "in-aaaa", AIOS_INIT_DATA: "{}" },
    gpus: [1],
    memoryMb: 256,
    controlToken: "ctl-secret",
    initContainers: [{ name: "prepare", entry: "x/prepare.ts", args: ["--fast"], env: { GREETING: "hi" } }],
    sidecars: [
      { name: "stamp", entry: "x/stamp.ts", ports: [{ name: "stamp" }, { name: "admin" }] },
      { name: "proxy", containerImage: "registry.example/envoy:1.30", args: ["-c", "/etc/envoy.yaml"] },
    ],
  };
  const programs = { prepare: "/app/x/prepare.ts", stamp: "/app/x/stamp.ts" };
  const pod = podOf(
    { ...settings, assetsUrl: "http://api:4000", gpuResource: "nvidia.com/gpu" },
    spec,
    null,
    podNameOf(spec.name),
    [],
    programs,
  );
  const envOf = (c: { env?: Array<{ name: string; value?: string }> } | undefined) =>
    Object.fromEntries((c?.env ?? []).map((e) => [e.name, e.value ?? e]));
  const [main, stamp, proxy] = pod.spec?.containers ?? [];
  const prepare = pod.spec?.initContainers?.[1];

  it("runs the init containers after the pod's own (the pushed-code fetch), and the side-cars beside the workload", () => {
    expect(pod.spec?.initContainers?.map((c) => c.name)).toEqual(["fetch-component", "prepare"]);
    expect(pod.spec?.containers.map((c) => c.name)).toEqual(["workload", "stamp", "proxy"]);
    expect(prepare).toMatchObject({
      image: "registry.example/aios:1.0",
      command: ["node", "--max-old-space-size=256", "--import", "tsx", "/app/x/prepare.ts"],
      args: ["--fast"],
      workingDir: "/app",
    });
    // A side-car of its own image runs its entrypoint with its args.
    expect(proxy).toMatchObject({ image: "registry.example/envoy:1.30", args: ["-c", "/etc/envoy.yaml"] });
    expect(proxy?.command).toBeUndefined();
  });

  it("shares one work volume and gives out the ports after the instance's, each side-car Ready on its first", () => {
    expect(pod.spec?.volumes?.map((v) => v.name)).toEqual(["component", "work"]);
    for (const c of [main, stamp, proxy, prepare])
      expect(c?.volumeMounts).toContainEqual({ name: "work", mountPath: "/aios/work" });
    expect(stamp?.ports).toEqual([
      { name: "stamp", containerPort: 8081 },
      { name: "admin", containerPort: 8082 },
    ]);
    expect(stamp?.readinessProbe?.tcpSocket?.port).toBe(8081);
    expect(proxy?.ports).toBeUndefined();
    const told = {
      AIOS_INSTANCE_PORT: "8080",
      AIOS_SIDECAR_PORT_STAMP: "8081",
      AIOS_SIDECAR_PORT_ADMIN: "8082",
    };
    for (const c of [main, stamp, prepare])
      expect(envOf(c)).toMatchObject({ ...told, AIOS_WORK_DIR: "/aios/work" });
  });

  it("gives a companion its own variables, the block and instance ids, and none of the instance's secrets", () => {
    expect(envOf(prepare)).toMatchObject({
      GREETING: "hi",
      BLOCK_ID: "b-9",
      INSTANCE_ID: "in-aaaa",
      HOME: "/tmp",
    });
    for (const c of [stamp, proxy, prepare]) {
      const names = Object.keys(envOf(c));
      expect(names).not.toContain("AIOS_CONTROL_TOKEN");
      expect(names).not.toContain("AIOS_INIT_DATA");
      expect(names).not.toContain("AIOS_ASSET_TOKEN");
      // Held to the instance's memory; the GPU stays the instance's.
      expect(c?.resources?.limits).toEqual({ memory: "512Mi" });
    }
    expect(main?.resources?.limits).toMatchObject({ "nvidia.com/gpu": "1" });
  });
});

describe("what a pod's status says of an instance's companions", () => {
  const status = (s: Partial<V1ContainerStatus> & { name: string }): V1ContainerStatus => ({
    image: "i",
    imageID: "",
    ready: false,
    restartCount: 0,
    ...s,
  });
  const podWith = (statusOf: V1Pod["status"]): V1Pod => ({ metadata: { name: "p" }, status: statusOf });

  it("a failed init container fails the start at once, named, before the kubelet retries it", () => {
    const state = podStateOf(
      podWith({
        phase: "Pending",
        initContainerStatuses: [
          status({ name: "fetch-component", state: { terminated: { exitCode: 0 } } }),
          status({ name: "prepare", state: { terminated: { exitCode: 4 } } }),
        ],
      }),
    );
    expect(state).toMatchObject({ stuck: true, problem: "init container prepare exited (4)", exited: null });
  });

  it("a side-car that ended (or was restarted) ends the instance, named", () => {
    const state = podStateOf(
      podWith({
        phase: "Running",
        containerStatuses: [
          status({ name: "workload", ready: true, state: { running: {} } }),
          status({
            name: "stamp",
            restartCount: 1,
            lastState: { terminated: { exitCode: 137 } },
            state: { running: {} },
          }),
        ],
      }),
    );
    expect(state.companionEnd).toMatchObject({
      container: "stamp",
      kind: "side-car",
      signal: "SIGKILL",
      now: false,
    });
    expect(state.sidecarRestarts).toBe(1);
    expect(state.problem).toBe("side-car stamp exited (SIGKILL)");
  });

  it("names the companion whose image cannot be pulled", () => {
    const state = podStateOf(
      podWith({
        phase: "Pending",
        containerStatuses: [
          status({ name: "workload", state: { running: {} } }),
          status({
            name: "proxy",
            state: { waiting: { reason: "ImagePullBackOff", message: "no such image" } },
          }),
        ],
      }),
    );
    expect(state).toMatchObject({ stuck: true, problem: "ImagePullBackOff: no such image (of proxy)" });
  });
});
