import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import {
  AuthorizationV1Api,
  CoreV1Api,
  KubeConfig,
  KubernetesObjectApi,
  PatchStrategy,
} from "@kubernetes/client-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connectKube } from "../../apps/agents/src/drivers/kubernetes/kube-api";
import { createKubernetesDriver } from "../../apps/agents/src/drivers/kubernetes/kubernetes-driver";
import { type KubePeer, startKubePeer } from "../../scripts/kube-peer/index";
import { type K8sObject, render } from "./render";

/**
 * The agent's rights, as the production overlay grants them, on a real API server (RBAC
 * authorization): its service account may do exactly what the Kubernetes driver does in
 * aios-blocks (SubjectAccessReview over every verb of the resources near it), nothing elsewhere;
 * and the driver itself, signed in with a token of that service account, starts, stops and releases
 * a block's workload there without being refused.
 */
const AGENT = { namespace: "aios", name: "aios-agent" };
const USER = `system:serviceaccount:${AGENT.namespace}:${AGENT.name}`;
const GROUPS = [
  "system:serviceaccounts",
  `system:serviceaccounts:${AGENT.namespace}`,
  "system:authenticated",
];

/** What the driver (apps/agents/src/drivers/kubernetes) calls, as "resource verb". */
const DRIVER_NEEDS = [
  "pods create",
  "pods delete",
  "pods list",
  "pods watch",
  "pods/log get",
  "secrets create",
  "secrets get",
  "secrets update",
  "secrets delete",
  "secrets list",
  "secrets watch",
  "configmaps create",
  "configmaps get",
  "configmaps delete",
  "services create",
  "services get",
  "services update",
  "deployments create",
  "deployments get",
  "deployments update",
  "deployments delete",
  "jobs create",
  "jobs delete",
  "networkpolicies create",
  "networkpolicies get",
  "networkpolicies update",
].sort();

const VERBS = ["get", "list", "watch", "create", "update", "patch", "delete", "deletecollection"];
const RESOURCES: Array<[group: string, resource: string]> = [
  ["", "pods"],
  ["", "pods/log"],
  ["", "pods/exec"],
  ["", "pods/attach"],
  ["", "pods/portforward"],
  ["", "pods/eviction"],
  ["", "pods/status"],
  ["", "pods/ephemeralcontainers"],
  ["", "secrets"],
  ["", "configmaps"],
  ["", "services"],
  ["", "endpoints"],
  ["", "events"],
  ["", "serviceaccounts"],
  ["", "serviceaccounts/token"],
  ["", "persistentvolumeclaims"],
  ["apps", "deployments"],
  ["apps", "daemonsets"],
  ["batch", "jobs"],
  ["networking.k8s.io", "networkpolicies"],
  ["policy", "poddisruptionbudgets"],
  ["rbac.authorization.k8s.io", "roles"],
  ["rbac.authorization.k8s.io", "rolebindings"],
];

let peer: KubePeer;
let authz: AuthorizationV1Api;
let core: CoreV1Api;
/** A kubeconfig file signing in as the agent's service account. */
let agentKubeconfig: string;
const dir = mkdtempSync(join(tmpdir(), "aios-agent-rbac-"));

beforeAll(async () => {
  peer = await startKubePeer({ nodes: 1 });
  const kc = new KubeConfig();
  kc.loadFromString(peer.kubeconfig);
  authz = kc.makeApiClient(AuthorizationV1Api);
  core = kc.makeApiClient(CoreV1Api);
  // The namespaces, the service account and its Role and RoleBinding, made for real.
  const objects = KubernetesObjectApi.makeApiClient(kc);
  const rendered = await render("overlays/production");
  const order = ["Namespace", "ServiceAccount", "Role", "RoleBinding", "ClusterRole", "ClusterRoleBinding"];
  for (const kind of order)
    for (const o of rendered.filter((o: K8sObject) => o.kind === kind))
      await objects.patch(o, undefined, undefined, "aios-k8s-test", true, PatchStrategy.ServerSideApply);
  // A token of the agent's service account, as the kubelet would mount it in the agent's pod.
  const { status } = await core.createNamespacedServiceAccountToken({
    ...AGENT,
    body: { spec: { audiences: [], expirationSeconds: 3600 } },
  });
  const admin = kc.getCurrentCluster();
  if (!admin || !status?.token) throw new Error("no cluster or token");
  const agent = new KubeConfig();
  agent.loadFromOptions({
    clusters: [admin],
    users: [{ name: USER, token: status.token }],
    contexts: [{ name: "agent", cluster: admin.name, user: USER }],
    currentContext: "agent",
  });
  agentKubeconfig = join(dir, "agent.kubeconfig");
  writeFileSync(agentKubeconfig, agent.exportConfig(), { mode: 0o600 });
}, 120_000);

afterAll(async () => {
  await peer?.stop();
  rmSync(dir, { recursive: true, force: true });
});

async function allowed(namespace: string | undefined, group: string, resource: string, verb: string) {
  const [res, subresource] = resource.split("/");
  const review = await authz.createSubjectAccessReview({
    body: {
      apiVersion: "authorization.k8s.io/v1",
      kind: "SubjectAccessReview",
      spec: {
        user: USER,
        groups: GROUPS,
        resourceAttributes: { namespace, group, resource: res, subresource, verb },
      },
    },
  });
  return review.status?.allowed === true;
}

async function allowedIn(namespace: string): Promise<string[]> {
  const found: string[] = [];
  for (const [group, resource] of RESOURCES)
    for (const verb of VERBS)
      if (await allowed(namespace, group, resource, verb)) found.push(`${resource} ${verb}`);
  return found.sort();
}

describe("the agent's service account", () => {
  it("may do in aios-blocks exactly what the driver does", async () => {
    expect(await allowedIn("aios-blocks")).toEqual(DRIVER_NEEDS);
  });

  it("may do none of it in its own namespace or any other, and nothing cluster-wide", async () => {
    for (const namespace of ["aios", "default", "kube-system"])
      expect(await allowedIn(namespace)).toEqual([]);
    for (const [resource, verb] of [
      ["nodes", "get"],
      ["nodes", "list"],
      ["namespaces", "list"],
      ["pods", "list"],
      ["secrets", "list"],
    ] as const)
      expect(await allowed(undefined, "", resource, verb), `${resource} ${verb} (all namespaces)`).toBe(
        false,
      );
  });

  it("runs the driver's calls: a block's workload started, stopped and released, never refused", async () => {
    const errors: string[] = [];
    const driver = createKubernetesDriver({
      api: connectKube({ kubeconfig: agentKubeconfig }),
      namespace: "aios-blocks",
      nodeName: "kwok-node-0",
      clusterId: "cluster-1",
      image: "aios:latest",
      repoRoot: resolve(import.meta.dirname, "../.."),
      imageRepoRoot: "/app",
      port: 8080,
      runtimeEnv: {},
      startTimeoutMs: 30_000,
      onError: (message) => errors.push(message),
    });
    try {
      const owner = { kind: "block" as const, id: "b-rbac", instanceId: "i1" };
      const w = await driver.start({
        name: "b-rbac-i1",
        kind: "instance",
        entry: "apps/agents/test/fixtures/http-hello.ts",
        env: {},
        gpus: [],
        controlToken: "control-of-b-rbac-i1",
        dataToken: "data-of-b-rbac-i1",
        owner,
      });
      expect(w.controlToken).toBe("control-of-b-rbac-i1");
      expect(driver.list()).toContain("b-rbac-i1");
      // The block's executor: a Deployment with a Service.
      const executor = await driver.start({
        name: "b-rbac-executor",
        kind: "executor",
        entry: "apps/agents/test/fixtures/http-hello.ts",
        env: {},
        gpus: [],
        controlToken: "control-of-b-rbac-executor",
        owner: { kind: "block", id: "b-rbac" },
      });
      expect(driver.list()).toContain("b-rbac-executor");
      await executor.stop();
      await w.stop();
      expect(driver.release, "the kubernetes driver releases owners").toBeDefined();
      await driver.release?.(owner);
    } finally {
      driver.dispose();
    }
    // Pod logs: kwok's nodes serve none, so a read may fail, but never for want of rights.
    expect(errors.filter((e) => /\b403\b|forbidden/i.test(e))).toEqual([]);
    const left = await core.listNamespacedConfigMap({
      namespace: "aios-blocks",
      labelSelector: "aios.dev/block=b-rbac",
    });
    expect(left.items).toEqual([]);
  });
});
