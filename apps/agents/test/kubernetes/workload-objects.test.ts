import { Deployment } from "kubernetes-models/apps/v1/Deployment";
import { Job } from "kubernetes-models/batch/v1/Job";
import { NetworkPolicy } from "kubernetes-models/networking.k8s.io/v1/NetworkPolicy";
import { Secret } from "kubernetes-models/v1/Secret";
import { Service } from "kubernetes-models/v1/Service";
import { describe, expect, it } from "vitest";
import { blockPolicyOf } from "../../src/drivers/kubernetes/block-policy-spec";
import {
  deploymentOf,
  serviceOf,
  TOKENS_ANNOTATION,
  WORKLOAD_LABEL,
} from "../../src/drivers/kubernetes/deployment-spec";
import { jobOf, jobSecretOf } from "../../src/drivers/kubernetes/job-spec";
import { tokenSecretOf } from "../../src/drivers/kubernetes/pod-spec";
import { settings } from "./pod-settings";

describe("a runtime's Deployment and Service", () => {
  const spec = {
    name: "b-1234-executor",
    kind: "executor" as const,
    entry: "/srv/aios/packages/block-runtime/dist/main.mjs",
    env: { BLOCK_ID: "b-1234" },
    gpus: [],
    owner: { kind: "block" as const, id: "b-1234" },
    controlToken: "ctl-1",
  };
  const program = "/app/packages/block-runtime/dist/main.mjs";
  const d = deploymentOf(settings, spec, program, "b-1234-executor");

  it("runs one pod at a time, bound to the agent's node, selected by the workload label", () => {
    expect(d.spec).toMatchObject({
      replicas: 1,
      strategy: { type: "Recreate" },
      selector: { matchLabels: { [WORKLOAD_LABEL]: "b-1234-executor" } },
    });
    expect(d.spec?.template.metadata?.labels?.[WORKLOAD_LABEL]).toBe("b-1234-executor");
    expect(d.spec?.template.spec).toMatchObject({ nodeName: "gpu-node-1", restartPolicy: "Always" });
    expect(d.spec?.template.metadata).not.toHaveProperty("name");
    // The platform's runtime gets the runtime settings; its tokens come from its Secret, not the spec.
    const env = d.spec?.template.spec?.containers[0]?.env ?? [];
    expect(env).toContainEqual({ name: "AIOS_RUNTIME_POLICY_ISOLATION", value: "process" });
    expect(JSON.stringify(d)).not.toContain("ctl-1");
  });

  it("changes its template when the tokens change, so the pod is replaced", () => {
    const again = deploymentOf(settings, { ...spec, controlToken: "ctl-2" }, program, "b-1234-executor");
    const hash = (x: typeof d) => x.spec?.template.metadata?.annotations?.[TOKENS_ANNOTATION];
    expect(hash(again)).not.toBe(hash(d));
    expect(hash(deploymentOf(settings, spec, program, "b-1234-executor"))).toBe(hash(d));
  });

  it("has a Service on its port, owned by the Deployment", () => {
    const s = serviceOf(settings, spec, "b-1234-executor", "uid-1");
    expect(s.spec).toMatchObject({
      type: "ClusterIP",
      selector: { [WORKLOAD_LABEL]: "b-1234-executor" },
      ports: [{ name: "http", port: 8080, targetPort: "http" }],
    });
    expect(s.metadata?.ownerReferences).toEqual([
      { apiVersion: "apps/v1", kind: "Deployment", name: "b-1234-executor", uid: "uid-1" },
    ]);
  });
});

describe("a policy function's replica", () => {
  const spec = {
    name: "tally-function-0",
    kind: "function-replica" as const,
    entry: "/srv/aios/apps/agents/src/functions/replica-main.ts",
    env: { AIOS_FUNCTION_NAME: "tally" },
    secretEnv: { AIOS_FUNCTION_SOURCE: '{"code":"policy code","settings":{"apiKey":"k-1"}}' },
    gpus: [],
    owner: { kind: "function" as const, id: "tally" },
    dataToken: "data-1",
  };
  const d = deploymentOf(
    settings,
    spec,
    "/app/apps/agents/src/functions/replica-main.ts",
    "tally-function-0",
  );

  it("is a Deployment labelled with its function, running Node with the startup snapshot off (isolated-vm)", () => {
    expect(d.metadata?.labels).toMatchObject({
      "app.kubernetes.io/component": "function-replica",
      "aios.dev/function": "tally",
    });
    expect(d.spec?.template.spec?.containers[0]?.command).toEqual([
      "node",
      "--no-node-snapshot",
      "--import",
      "tsx",
      "/app/apps/agents/src/functions/replica-main.ts",
    ]);
    const wire = JSON.parse(JSON.stringify(d).replaceAll('"_from":', '"from":'));
    expect(() => new Deployment(wire).validate()).not.toThrow();
  });

  it("keeps its code and settings in its Secret, named from its pod's environment, never in the Deployment", () => {
    expect(JSON.stringify(d)).not.toContain("policy code");
    expect(d.spec?.template.spec?.containers[0]?.env).toContainEqual({
      name: "AIOS_FUNCTION_SOURCE",
      valueFrom: { secretKeyRef: { name: "tally-function-0-tokens", key: "AIOS_FUNCTION_SOURCE" } },
    });
    const secret = tokenSecretOf(settings, spec, "tally-function-0");
    expect(secret?.stringData).toEqual({
      AIOS_FUNCTION_SOURCE: spec.secretEnv.AIOS_FUNCTION_SOURCE,
      AIOS_DATA_TOKEN: "data-1",
    });
    const wire = JSON.parse(JSON.stringify(secret));
    expect(() => new Secret(wire).validate()).not.toThrow();
  });
});

describe("a job", () => {
  const spec = {
    name: "policy-job-j1",
    entry: "apps/agents/src/jobs/policy-job-main.ts",
    runtime: true,
    env: { MODE: "once" },
    secretEnv: { AIOS_POLICY_JOB: '{"input":"private"}' },
    timeoutMs: 90_500,
  };
  const job = jobOf(settings, spec, "/app/apps/agents/src/jobs/policy-job-main.ts", "policy-job-j1");
  const container = job.spec?.template.spec?.containers[0];

  it("runs once, bound to the node, stopped past its timeout, with no port or probe", () => {
    expect(job.spec).toMatchObject({ backoffLimit: 0, activeDeadlineSeconds: 91 });
    expect(job.spec?.template.spec).toMatchObject({ nodeName: "gpu-node-1", restartPolicy: "Never" });
    expect(container?.command).toEqual([
      "node",
      "--import",
      "tsx",
      "/app/apps/agents/src/jobs/policy-job-main.ts",
    ]);
    expect([container?.ports, container?.readinessProbe, container?.livenessProbe]).toEqual([
      undefined,
      undefined,
      undefined,
    ]);
    expect(job.metadata?.labels?.["app.kubernetes.io/component"]).toBe("job");
  });

  it("keeps its secret variables in a Secret its pod reads, out of the Job", () => {
    expect(container?.env).toContainEqual({
      name: "AIOS_POLICY_JOB",
      valueFrom: { secretKeyRef: { name: "policy-job-j1-env", key: "AIOS_POLICY_JOB" } },
    });
    expect(JSON.stringify(job)).not.toContain("private");
    expect(jobSecretOf(settings, spec, "policy-job-j1")?.stringData).toEqual(spec.secretEnv);
    expect(jobSecretOf(settings, { ...spec, secretEnv: {} }, "policy-job-j1")).toBeNull();
  });
});

describe("what the driver sends", () => {
  /** As it goes on the wire: client-node's models name a policy's `from` `_from`. */
  const wire = (o: object) => JSON.parse(JSON.stringify(o).replaceAll('"_from":', '"from":'));
  const executor = {
    name: "b-1-executor",
    kind: "executor" as const,
    entry: "/srv/aios/x.mjs",
    env: {},
    gpus: [],
    controlToken: "t",
  };
  const job = { name: "j", entry: "a.ts", env: {}, secretEnv: { K: "v" }, timeoutMs: 1000 };

  it("validates against Kubernetes' schemas (kubernetes-models)", () => {
    expect(() =>
      new Deployment(wire(deploymentOf(settings, executor, "/app/x.mjs", "b-1-executor"))).validate(),
    ).not.toThrow();
    expect(() =>
      new Service(wire(serviceOf(settings, executor, "b-1-executor", "uid"))).validate(),
    ).not.toThrow();
    expect(() => new Job(wire(jobOf(settings, job, "/app/a.ts", "j"))).validate()).not.toThrow();
    expect(() => new Secret(wire(jobSecretOf(settings, job, "j") ?? {})).validate()).not.toThrow();
    const policy = wire(blockPolicyOf({ ...settings, agentNamespace: "aios" }, "b-1", []));
    expect(() => new NetworkPolicy(policy).validate()).not.toThrow();
  });

  it("lets a block's instances be reached by its own executor and the agents, on their port", () => {
    const policy = wire(blockPolicyOf({ ...settings, agentNamespace: "aios" }, "b-1", []));
    expect(policy.metadata.name).toBe("aios-block-b-1");
    expect(policy.spec.podSelector.matchLabels).toMatchObject({
      "aios.dev/block": "b-1",
      "app.kubernetes.io/component": "instance",
    });
    expect(policy.spec.ingress).toEqual([
      {
        from: [
          {
            podSelector: {
              matchLabels: {
                "app.kubernetes.io/managed-by": "aios-agent",
                "aios.dev/block": "b-1",
                "app.kubernetes.io/component": "executor",
              },
            },
          },
          {
            namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "aios" } },
            podSelector: { matchLabels: { "app.kubernetes.io/name": "aios-agent" } },
          },
        ],
        ports: [{ port: "http", protocol: "TCP" }],
      },
    ]);
  });
});
