import { DaemonSet } from "kubernetes-models/apps/v1/DaemonSet";
import { Deployment } from "kubernetes-models/apps/v1/Deployment";
import { NetworkPolicy } from "kubernetes-models/networking.k8s.io/v1/NetworkPolicy";
import { PodDisruptionBudget } from "kubernetes-models/policy/v1/PodDisruptionBudget";
import { ClusterRole } from "kubernetes-models/rbac.authorization.k8s.io/v1/ClusterRole";
import { ClusterRoleBinding } from "kubernetes-models/rbac.authorization.k8s.io/v1/ClusterRoleBinding";
import { Role } from "kubernetes-models/rbac.authorization.k8s.io/v1/Role";
import { RoleBinding } from "kubernetes-models/rbac.authorization.k8s.io/v1/RoleBinding";
import { Namespace } from "kubernetes-models/v1/Namespace";
import { Service } from "kubernetes-models/v1/Service";
import { ServiceAccount } from "kubernetes-models/v1/ServiceAccount";
import { beforeAll, describe, expect, it } from "vitest";
import type { WorkloadKind, WorkloadOwner } from "../../apps/agents/src/drivers/driver";
import { blockPolicyOf } from "../../apps/agents/src/drivers/kubernetes/block-policy-spec";
import { labelsOf, type PodSettings } from "../../apps/agents/src/drivers/kubernetes/pod-spec";
import { ZAgentEnv } from "../../apps/agents/src/env";
import { ingressAllowed, type PodAt, type PolicyObject, selects } from "./network-policy";
import { type Container, find, type K8sObject, kustomizations, render, workloadsOf } from "./render";

/**
 * Every kustomization (the base and each overlay) rendered by the real kustomize (built from its
 * pinned Go module into the test peer's cache) and checked offline: Kubernetes' own schemas
 * (kubernetes-models), the agent's settings as the agent parses them, and what each overlay
 * promises. The API server's own validation is k8s/test/overlays.int.test.ts.
 */
const MODELS: Record<string, new (data: never) => { validate(): void }> = {
  Deployment,
  DaemonSet,
  Namespace,
  Service,
  ServiceAccount,
  Role,
  RoleBinding,
  ClusterRole,
  ClusterRoleBinding,
  PodDisruptionBudget,
  NetworkPolicy,
};

const rendered = new Map<string, K8sObject[]>();
beforeAll(async () => {
  for (const k of kustomizations) rendered.set(k, await render(k));
}, 60_000);
const objectsOf = (k: string) => rendered.get(k) as K8sObject[];

const agentContainer = (objects: K8sObject[]): Container => {
  const ds = find(objects, "DaemonSet", "aios-agent");
  const c = (ds.spec as { template: { spec: { containers: Container[] } } }).template.spec.containers.find(
    (c) => c.name === "agent",
  );
  if (!c) throw new Error("the agent DaemonSet has no container `agent`");
  return c;
};

/** The agent's environment on a node `node-a` with pod IP 10.1.2.3, its secrets filled in. */
function agentEnvOf(c: Container): Record<string, string> {
  const fields: Record<string, string> = {
    "spec.nodeName": "node-a",
    "status.podIP": "10.1.2.3",
    "metadata.namespace": "aios",
  };
  const secrets: Record<string, string> = { REDIS_URL: "redis://redis:6379", agent: "aios_agent_token" };
  return Object.fromEntries(
    (c.env ?? []).map((e) => {
      const field = e.valueFrom?.fieldRef?.fieldPath;
      const secret = e.valueFrom?.secretKeyRef?.key;
      const value = e.value ?? (field ? fields[field] : secret ? secrets[secret] : undefined);
      if (value === undefined) throw new Error(`${e.name}: a value this test does not know how to fill in`);
      return [e.name, value];
    }),
  );
}

describe.each(kustomizations)("k8s/%s", (k) => {
  it("renders objects that validate against Kubernetes' schemas", () => {
    const objects = objectsOf(k);
    expect(objects.length).toBeGreaterThan(0);
    for (const o of objects) {
      const Model = MODELS[o.kind];
      expect(Model, `no schema for kind ${o.kind}`).toBeDefined();
      expect(
        () => new (Model as new (d: K8sObject) => { validate(): void })(o).validate(),
        `${o.kind}/${o.metadata.name}`,
      ).not.toThrow();
    }
  });

  it("keeps the management plane in aios and the agent's rights in aios-blocks", () => {
    const objects = objectsOf(k);
    for (const o of objects.filter(
      (o) => !["Namespace", "ClusterRole", "ClusterRoleBinding"].includes(o.kind),
    ))
      expect(["aios", "aios-blocks"], `${o.kind}/${o.metadata.name}`).toContain(o.metadata.namespace);
    expect(find(objects, "Role", "aios-agent-blocks").metadata.namespace).toBe("aios-blocks");
    expect(find(objects, "RoleBinding", "aios-agent-blocks").metadata.namespace).toBe("aios-blocks");
    expect(
      objects
        .filter((o) => o.kind === "Namespace")
        .map((o) => o.metadata.name)
        .sort(),
    ).toEqual(["aios", "aios-blocks"]);
  });

  it("selects each workload's pods by its own labels, and each Service reaches one", () => {
    const objects = objectsOf(k);
    const workloads = workloadsOf(objects);
    for (const { object, template } of workloads) {
      const selector = (object.spec as { selector: { matchLabels: Record<string, string> } }).selector;
      expect(selects(selector, template.metadata.labels), object.metadata.name).toBe(true);
    }
    for (const s of objects.filter((o) => o.kind === "Service")) {
      const selector = (s.spec as { selector: Record<string, string> }).selector;
      const target = workloads.find((w) => selects({ matchLabels: selector }, w.template.metadata.labels));
      expect(target, `service ${s.metadata.name} selects no workload`).toBeDefined();
    }
  });

  it("runs one agent per node with the Kubernetes driver, advertising its pod's address", () => {
    const objects = objectsOf(k);
    expect(objects.some((o) => o.kind === "Deployment" && o.metadata.name === "aios-agent")).toBe(false);
    const c = agentContainer(objects);
    const byName = new Map((c.env ?? []).map((e) => [e.name, e]));
    expect(byName.get("AIOS_DRIVER")?.value).toBe("kubernetes");
    expect(byName.get("AIOS_K8S_NAMESPACE")?.value).toBe("aios-blocks");
    expect(byName.get("AIOS_K8S_NODE_NAME")?.valueFrom?.fieldRef?.fieldPath).toBe("spec.nodeName");
    expect(byName.get("AIOS_NODE_ID")?.valueFrom?.fieldRef?.fieldPath).toBe("spec.nodeName");
    expect(byName.get("AIOS_PUBLIC_HOSTNAME")?.valueFrom?.fieldRef?.fieldPath).toBe("status.podIP");
    expect(byName.get("AIOS_BIND_HOST")?.valueFrom?.fieldRef?.fieldPath).toBe("status.podIP");
    // Its own namespace, named in each block's NetworkPolicy.
    expect(byName.get("AIOS_K8S_AGENT_NAMESPACE")?.valueFrom?.fieldRef?.fieldPath).toBe("metadata.namespace");
    // The blocks' pods run the very image the agent runs (the replacements of each kustomization).
    expect(byName.get("AIOS_K8S_IMAGE")?.value).toBe(c.image);
    // And the agent accepts these settings as they are (AIOS_AUTH=token off loopback, and so on).
    const parsed = ZAgentEnv.safeParse(agentEnvOf(c));
    expect(parsed.error?.issues ?? []).toEqual([]);
    expect(parsed.data).toMatchObject({
      AIOS_DRIVER: "kubernetes",
      AIOS_K8S_NODE_NAME: "node-a",
      AIOS_BIND_HOST: "10.1.2.3",
      AIOS_K8S_IMAGE: c.image,
      AIOS_K8S_AGENT_NAMESPACE: "aios",
    });
  });

  it("gives every container resource requests", () => {
    for (const { object, template } of workloadsOf(objectsOf(k)))
      for (const c of [...template.spec.containers, ...(template.spec.initContainers ?? [])]) {
        expect(c.resources?.requests?.cpu, `${object.metadata.name}/${c.name}`).toBeDefined();
        expect(c.resources?.requests?.memory, `${object.metadata.name}/${c.name}`).toBeDefined();
      }
  });
});

const replicasOf = (objects: K8sObject[], name: string) =>
  (find(objects, "Deployment", name).spec as { replicas: number }).replicas;

describe("k8s/overlays/dev", () => {
  it("is one node's: one API and one console replica, no disruption budgets or network policies", () => {
    const objects = objectsOf("overlays/dev");
    expect(replicasOf(objects, "aios-api")).toBe(1);
    expect(replicasOf(objects, "aios-web")).toBe(1);
    expect(objects.filter((o) => o.kind === "PodDisruptionBudget" || o.kind === "NetworkPolicy")).toEqual([]);
    // An image loaded into the cluster by hand, not `latest` (which Kubernetes always pulls).
    expect(agentContainer(objects).image).toBe("aios:dev");
  });
});

describe("k8s/overlays/production", () => {
  const objects = () => objectsOf("overlays/production");

  it("runs two or more API replicas, each Deployment with a disruption budget that leaves one up", () => {
    expect(replicasOf(objects(), "aios-api")).toBeGreaterThanOrEqual(2);
    expect(replicasOf(objects(), "aios-web")).toBeGreaterThanOrEqual(2);
    const budgets = objects().filter((o) => o.kind === "PodDisruptionBudget");
    for (const { object, template } of workloadsOf(objects()).filter((w) => w.object.kind === "Deployment")) {
      const replicas = (object.spec as { replicas: number }).replicas;
      const budget = budgets.find(
        (b) =>
          b.metadata.namespace === object.metadata.namespace &&
          selects((b.spec as { selector: object }).selector, template.metadata.labels),
      );
      expect(budget, `no PodDisruptionBudget for ${object.metadata.name}`).toBeDefined();
      const { maxUnavailable, minAvailable } = (budget?.spec ?? {}) as {
        maxUnavailable?: number;
        minAvailable?: number;
      };
      const available = maxUnavailable !== undefined ? replicas - maxUnavailable : (minAvailable as number);
      expect(available, object.metadata.name).toBeGreaterThanOrEqual(1);
      expect(available, object.metadata.name).toBeLessThan(replicas);
    }
  });

  it("runs every container as a non-root user, read-only, without privilege escalation or capabilities", () => {
    for (const { object, template } of workloadsOf(objects())) {
      const pod = template.spec.securityContext as { runAsNonRoot?: boolean; runAsUser?: number };
      expect(pod?.runAsNonRoot, object.metadata.name).toBe(true);
      // Numeric, so that the kubelet can check it (the image's USER is a name).
      expect(pod?.runAsUser, object.metadata.name).toBeGreaterThan(0);
      for (const c of [...template.spec.containers, ...(template.spec.initContainers ?? [])])
        expect(c.securityContext, `${object.metadata.name}/${c.name}`).toEqual({
          allowPrivilegeEscalation: false,
          readOnlyRootFilesystem: true,
          capabilities: { drop: ["ALL"] },
        });
    }
  });

  describe("network policies", () => {
    // The blocks' pods carry the labels the agent's driver gives them.
    const settings = { clusterId: "c1", nodeName: "node-a" } as PodSettings;
    // The overlay's policies, and those the agents' driver makes for blocks b1 and b2 (as sent).
    const blockPolicy = (id: string) =>
      // client-node's model names `from` `_from` (its serializer sends it as `from`).
      JSON.parse(
        JSON.stringify(
          blockPolicyOf({ ...settings, namespace: "aios-blocks", agentNamespace: "aios" }, id, []),
        ).replaceAll('"_from":', '"from":'),
      ) as PolicyObject;
    const policies = () => [
      ...(objects().filter((o) => o.kind === "NetworkPolicy") as unknown as PolicyObject[]),
      blockPolicy("b1"),
      blockPolicy("b2"),
    ];
    const nsLabels = (name: string) => ({
      "kubernetes.io/metadata.name": name,
      ...(find(objects(), "Namespace", name).metadata.labels ?? {}),
    });
    const templateLabels = (name: string) =>
      (workloadsOf(objects()).find((w) => w.object.metadata.name === name)?.template.metadata.labels ??
        {}) as Record<string, string>;
    const plane = (name: string, port: number): PodAt => ({
      namespace: "aios",
      namespaceLabels: nsLabels("aios"),
      labels: templateLabels(name),
      ports: { http: port },
    });

    const ownerOf = (kind: WorkloadKind, id: string): WorkloadOwner =>
      kind === "vdag-controller"
        ? { kind: "vdag", id }
        : kind === "function-replica"
          ? { kind: "function", id }
          : { kind: "block", id, instanceId: `${id}-i1` };
    const block = (kind: WorkloadKind, id: string): PodAt => ({
      namespace: "aios-blocks",
      namespaceLabels: nsLabels("aios-blocks"),
      labels: labelsOf(settings, kind, ownerOf(kind, id)),
      ports: { http: 8080 },
    });
    /** The pods of the picture, made once the overlay is rendered. */
    const scene = () => {
      const api = plane("aios-api", 4000);
      const web = plane("aios-web", 3000);
      const agent = plane("aios-agent", 0);
      const outside: PodAt = {
        namespace: "default",
        namespaceLabels: { "kubernetes.io/metadata.name": "default" },
        labels: {},
      };
      const ingressNs: PodAt = {
        namespace: "ingress",
        namespaceLabels: { "kubernetes.io/metadata.name": "ingress", "aios.dev/api-access": "true" },
        labels: { app: "ingress-controller" },
      };
      const executor = block("executor", "b1");
      const instance = block("instance", "b1");
      const otherInstance = block("instance", "b2");
      const otherExecutor = block("executor", "b2");
      const controller = block("vdag-controller", "v1");
      const replica = block("function-replica", "tally");
      return {
        replica,
        api,
        web,
        agent,
        outside,
        ingressNs,
        executor,
        instance,
        otherInstance,
        otherExecutor,
        controller,
      };
    };
    const can = (from: PodAt, to: PodAt, port: number) => ingressAllowed(policies(), from, to, port);

    it("lets instances be reached by their own block's executor and agents only, on their port", () => {
      const { api, web, agent, outside, ingressNs, executor, instance, controller, ...b2 } = scene();
      const { otherInstance, otherExecutor } = b2;
      expect(can(executor, instance, 8080)).toBe(true);
      expect(can(otherExecutor, otherInstance, 8080)).toBe(true);
      expect(can(agent, instance, 8080)).toBe(true);
      expect(can(executor, instance, 22)).toBe(false);
      expect(can(otherExecutor, instance, 8080)).toBe(false);
      expect(can(executor, otherInstance, 8080)).toBe(false);
      for (const from of [api, web, outside, ingressNs, controller, otherInstance])
        expect(can(from, instance, 8080), JSON.stringify(from.labels)).toBe(false);
    });

    it("lets executors be reached by the API, vDAG controllers and agents; controllers by the API and agents", () => {
      const { api, web, agent, outside, ingressNs, executor, instance, controller } = scene();
      for (const from of [api, agent, controller]) expect(can(from, executor, 8080)).toBe(true);
      for (const from of [web, instance, outside, ingressNs]) expect(can(from, executor, 8080)).toBe(false);
      for (const from of [api, agent]) expect(can(from, controller, 8080)).toBe(true);
      for (const from of [web, instance, executor, outside]) expect(can(from, controller, 8080)).toBe(false);
    });

    it("lets the API be reached by the console, agents and namespaces given access; the console by anyone", () => {
      const { api, web, agent, outside, ingressNs, executor, instance, controller } = scene();
      for (const from of [web, agent, ingressNs]) expect(can(from, api, 4000)).toBe(true);
      for (const from of [instance, executor, controller, outside]) expect(can(from, api, 4000)).toBe(false);
      expect(can(web, api, 5432)).toBe(false);
      for (const from of [outside, ingressNs, instance]) expect(can(from, web, 3000)).toBe(true);
      expect(can(outside, web, 4000)).toBe(false);
    });

    it("lets policy functions' replicas be reached by the API and agents only; agents by nobody", () => {
      const { api, web, agent, outside, ingressNs, executor, instance, controller, replica } = scene();
      for (const from of [api, agent]) expect(can(from, replica, 8080)).toBe(true);
      for (const from of [web, instance, executor, controller, outside, ingressNs])
        expect(can(from, replica, 8080)).toBe(false);
      for (const from of [api, web, executor, instance, controller, replica, outside])
        expect(can(from, agent, 41234)).toBe(false);
    });
  });
});
