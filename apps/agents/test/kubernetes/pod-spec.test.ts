import type { V1Pod } from "@kubernetes/client-node";
import { describe, expect, it } from "vitest";
import {
  labelValueOf,
  podNameOf,
  podOf,
  programInImage,
  selectorOf,
  tokenSecretOf,
  tokensOf,
} from "../../src/drivers/kubernetes/pod-spec";
import { podStateOf } from "../../src/drivers/kubernetes/pod-status";
import { settings } from "./pod-settings";

describe("the pod of a workload", () => {
  const spec = {
    name: "b-1234-in-aaaa",
    kind: "instance" as const,
    entry: "examples/components/echo/index.ts",
    env: { BLOCK_ID: "b-1234" },
    gpus: [2, 5],
    labels: { config: "k/ey with spaces" },
    controlToken: "ctl-secret",
    dataToken: "data-secret",
  };
  const pod = podOf(settings, spec, "/app/examples/components/echo/index.ts", podNameOf(spec.name));
  const container = pod.spec?.containers[0];
  const env = Object.fromEntries((container?.env ?? []).map((e) => [e.name, e.value ?? e.valueFrom]));

  it("is bound to the agent's node, restarted in place by the kubelet, with no service account token or service links", () => {
    expect(pod.metadata?.name).toBe("b-1234-in-aaaa");
    expect(pod.spec).toMatchObject({
      nodeName: "gpu-node-1",
      restartPolicy: "Always",
      automountServiceAccountToken: false,
      enableServiceLinks: false,
    });
    expect(container?.command).toEqual(["node", "--import", "tsx", "/app/examples/components/echo/index.ts"]);
    expect(container?.readinessProbe?.tcpSocket?.port).toBe(8080);
  });

  it("holds the workload's own variables, its GPUs, and its tokens only by reference to its Secret", () => {
    expect(env).toMatchObject({
      BLOCK_ID: "b-1234",
      PORT: "8080",
      CUDA_VISIBLE_DEVICES: "2,5",
      NVIDIA_VISIBLE_DEVICES: "2,5",
      AIOS_MAX_BODY_MB: "16",
      HOST: { fieldRef: { fieldPath: "status.podIP" } },
      AIOS_CONTROL_TOKEN: { secretKeyRef: { name: "b-1234-in-aaaa-tokens", key: "AIOS_CONTROL_TOKEN" } },
    });
    // An instance runs user code: the runtimes' settings are not its own.
    expect(env.AIOS_RUNTIME_POLICY_ISOLATION).toBeUndefined();
    expect(JSON.stringify(pod)).not.toContain("ctl-secret");
    const secret = tokenSecretOf(settings, spec, "b-1234-in-aaaa");
    expect(tokensOf(secret ?? undefined)).toEqual({ controlToken: "ctl-secret", dataToken: "data-secret" });
  });

  it("asks for its GPUs by the extended resource when the agent names one; the device plugin picks them", () => {
    const gpuPod = podOf({ ...settings, gpuResource: "nvidia.com/gpu" }, spec, "/app/x.ts", "p");
    const c = gpuPod.spec?.containers[0];
    expect(c?.resources).toEqual({ limits: { "nvidia.com/gpu": "2" } });
    const vars = Object.fromEntries((c?.env ?? []).map((e) => [e.name, e.value]));
    // Inside the container its devices are numbered from 0; the plugin sets NVIDIA_VISIBLE_DEVICES.
    expect(vars.CUDA_VISIBLE_DEVICES).toBe("0,1");
    expect(vars).not.toHaveProperty("NVIDIA_VISIBLE_DEVICES");
    // Without GPUs it asks for none and sees none; without the resource, none is asked for.
    const plain = podOf(
      { ...settings, gpuResource: "nvidia.com/gpu" },
      { ...spec, gpus: [] },
      "/app/x.ts",
      "q",
    );
    expect(plain.spec?.containers[0]?.resources).toBeUndefined();
    expect(plain.spec?.containers[0]?.env).toContainEqual({ name: "NVIDIA_VISIBLE_DEVICES", value: "" });
    expect(container?.resources).toBeUndefined();
  });

  it("holds an instance to its memory: V8's heap limit, and a container limit above it for Node's own", () => {
    const held = podOf(settings, { ...spec, memoryMb: 512 }, "/app/examples/components/echo/index.ts", "p");
    const c = held.spec?.containers[0];
    expect(c?.command).toContain("--max-old-space-size=512");
    expect(c?.resources?.limits).toMatchObject({ memory: "768Mi" });
    expect(pod.spec?.containers[0]?.resources?.limits?.memory).toBeUndefined();
  });

  it("carries low-cardinality labels and its selector, and keeps the spec's labels in an annotation", () => {
    expect(pod.metadata?.labels).toMatchObject({
      "app.kubernetes.io/managed-by": "aios-agent",
      "app.kubernetes.io/component": "instance",
      "aios.dev/cluster": "c1",
      "aios.dev/node": "gpu-node-1",
    });
    expect(selectorOf(settings)).toBe("app.kubernetes.io/managed-by=aios-agent,aios.dev/node=gpu-node-1");
    expect(JSON.parse(pod.metadata?.annotations?.["aios.dev/labels"] ?? "")).toEqual(spec.labels);
  });

  it("names pods by DNS rules: a valid name as it is, any other cleaned with a hash (deterministic)", () => {
    expect(podNameOf("Block_One-Executor")).toMatch(/^block-one-executor-[0-9a-f]{8}$/);
    expect(podNameOf("Block_One-Executor")).toBe(podNameOf("Block_One-Executor"));
    expect(podNameOf("a".repeat(80))).toHaveLength(63);
    expect(labelValueOf("-c/1 x-")).toBe("c-1-x");
  });

  it("runs a component's own image with its entrypoint and its registry's pull Secret", () => {
    const own = podOf(
      { ...settings, imagePullSecrets: ["aios-pull"] },
      {
        ...spec,
        entry: "",
        image: "registry.example/team/model:2.1",
        imagePull: {
          containerRegistryId: "team",
          server: "registry.example",
          secretName: "aios-registry-team",
          credentials: { username: "u", password: "p" },
        },
      },
      null,
      "b-1234-in-aaaa",
    );
    const c = own.spec?.containers[0];
    expect([c?.image, c?.command, c?.workingDir]).toEqual([
      "registry.example/team/model:2.1",
      undefined,
      undefined,
    ]);
    expect(own.spec?.imagePullSecrets).toEqual([{ name: "aios-registry-team" }]);
    // An anonymous registry needs no Secret.
    const anonymous = podOf(
      settings,
      {
        ...spec,
        entry: "",
        image: "x/y:1",
        imagePull: {
          containerRegistryId: "pub",
          server: "x",
          secretName: "aios-registry-pub",
          credentials: null,
        },
      },
      null,
      "b-1234-in-bbbb",
    );
    expect(anonymous.spec?.imagePullSecrets).toBeUndefined();
    // The AIOS image's own pull Secret is the agent's.
    expect(pod.spec?.imagePullSecrets).toBeUndefined();
    const aios = podOf({ ...settings, imagePullSecrets: ["aios-pull"] }, spec, "/app/x.ts", "p");
    expect(aios.spec?.imagePullSecrets).toEqual([{ name: "aios-pull" }]);
  });

  it("maps a program inside the repository into the image, and refuses one outside it", () => {
    expect(programInImage(settings, "/srv/aios/packages/block-runtime/dist/main.mjs")).toBe(
      "/app/packages/block-runtime/dist/main.mjs",
    );
    expect(() => programInImage(settings, "/etc/passwd")).toThrow(/outside the repository/);
  });
});

describe("what a pod's status says", () => {
  const pod = (status: V1Pod["status"]): V1Pod => ({ metadata: { name: "p" }, status });

  it("ready only when Running with the Ready condition", () => {
    expect(podStateOf(pod({ phase: "Pending" })).ready).toBe(false);
    const running = { phase: "Running", podIP: "10.0.0.5", conditions: [{ type: "Ready", status: "True" }] };
    expect(podStateOf(pod(running))).toMatchObject({ ready: true, exited: null, podIP: "10.0.0.5" });
  });

  it("an ended container gives its exit code, or the signal a code over 128 stands for", () => {
    const ended = (exitCode: number) =>
      pod({
        phase: "Failed",
        containerStatuses: [
          {
            name: "workload",
            image: "i",
            imageID: "",
            ready: false,
            restartCount: 0,
            state: { terminated: { exitCode } },
          },
        ],
      });
    expect(podStateOf(ended(3)).exited).toEqual({ code: 3, signal: null });
    expect(podStateOf(ended(137)).exited).toEqual({ code: null, signal: "SIGKILL" });
  });

  it("names why it does not run: a waiting reason or an unschedulable pod", () => {
    const waiting = pod({
      phase: "Pending",
      containerStatuses: [
        {
          name: "workload",
          image: "i",
          imageID: "",
          ready: false,
          restartCount: 0,
          state: { waiting: { reason: "ImagePullBackOff", message: "Back-off pulling image" } },
        },
      ],
    });
    expect(podStateOf(waiting)).toMatchObject({
      problem: "ImagePullBackOff: Back-off pulling image",
      stuck: true,
    });
    const unschedulable = pod({
      phase: "Pending",
      conditions: [{ type: "PodScheduled", status: "False", reason: "Unschedulable", message: "0/3 nodes" }],
    });
    // The scheduler may yet find room: a start goes on waiting.
    expect(podStateOf(unschedulable)).toMatchObject({ problem: "Unschedulable: 0/3 nodes", stuck: false });
  });
});
