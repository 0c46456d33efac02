import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { KubeConfig, RbacAuthorizationV1Api } from "@kubernetes/client-node";
import { beforeAll, describe, expect, it } from "vitest";
import { useOnboarding } from "./onboard-fixture";

/**
 * What `aios cluster onboard` refuses part way, against a real Kubernetes API server: a join token
 * the API will not issue, objects of another cluster or made by hand, and an identity that RBAC
 * stops; each time it says what it had made, and `offboard` removes that.
 */
describe("aios cluster onboard, stopped part way", () => {
  const o = useOnboarding();
  const { api, cluster, run, onboardArgs, labelled, joinTokensOf } = o;

  // The cluster onboarded once: its namespaces are taken.
  beforeAll(async () => {
    const r = await run(onboardArgs());
    if (r.code !== 0) throw new Error(`onboarding failed: ${r.err}`);
  });

  it("stops before the join Secret when the API refuses a join token, saying what it made", async () => {
    const operator = (await api.services.tokens.issue({ name: "onboard operator", role: "operator" })).token;
    const other = `${cluster}-o`;
    const args = [
      ...onboardArgs(),
      "--cluster-id",
      other,
      "--namespace",
      "op-agent",
      "--blocks-namespace",
      "op-blocks",
    ];
    const r = await run(args, operator);
    expect(r.code).toBe(1);
    expect(r.out.split("\n")).toHaveLength(5);
    expect(r.err).toContain(
      `onboarding cluster ${other} stopped before its join Secret. It had made or changed: Namespace op-agent, Namespace op-blocks, ServiceAccount op-agent/aios-agent, Role op-blocks/aios-agent-blocks, RoleBinding op-blocks/aios-agent-blocks;`,
    );
    expect(r.err).toMatch(/error: .*admin/);
    expect(await joinTokensOf(other)).toBe(0);
    const off = await run(["cluster", "offboard", other, "--kubeconfig", o.peer.kubeconfigPath]);
    expect(off.out.split("\n")).toHaveLength(5);
    expect(await labelled(other)).toEqual([]);
  });

  it("refuses to take over objects of another cluster or not made by onboarding", async () => {
    const other = await run([...onboardArgs(), "--cluster-id", `${cluster}-b`]);
    expect(other.code).toBe(1);
    expect(other.err).toContain(
      `stopped at Namespace aios-system belongs to cluster ${cluster}; offboard it first or choose another --namespace`,
    );
    expect(await joinTokensOf(`${cluster}-b`)).toBe(0);
    await o.core.createNamespace({ body: { metadata: { name: "by-hand" } } });
    await o.core.createNamespacedServiceAccount({
      namespace: "by-hand",
      body: { metadata: { name: "aios-agent" } },
    });
    const byHand = await run([
      ...onboardArgs(),
      "--cluster-id",
      `${cluster}-c`,
      "--namespace",
      "by-hand",
      "--blocks-namespace",
      "by-hand-blocks",
    ]);
    expect(byHand.code).toBe(1);
    expect(byHand.out.split("\n")).toEqual([
      "left as is Namespace by-hand",
      "created    Namespace by-hand-blocks",
    ]);
    expect(byHand.err).toContain(
      "stopped at ServiceAccount by-hand/aios-agent exists and was not made by aios cluster onboard",
    );
    expect(byHand.err).toContain(`It had made or changed: Namespace by-hand-blocks`);
    // Offboarding removes what it made, and leaves the namespace it did not make.
    const off = await run(["cluster", "offboard", `${cluster}-c`, "--kubeconfig", o.peer.kubeconfigPath]);
    expect(off.out).toBe("removed    Namespace by-hand-blocks");
    expect((await o.core.readNamespace({ name: "by-hand" })).metadata?.deletionTimestamp).toBeUndefined();
    await run(["cluster", "offboard", `${cluster}-b`, "--kubeconfig", o.peer.kubeconfigPath]);
  });

  it("stops where RBAC refuses, naming the object and the reason, and offboard removes what it made", async () => {
    // An identity that may make namespaces and service accounts, but no Roles.
    const kc = new KubeConfig();
    kc.loadFromString(o.peer.kubeconfig);
    const rbac = kc.makeApiClient(RbacAuthorizationV1Api);
    await o.core.createNamespacedServiceAccount({
      namespace: "default",
      body: { metadata: { name: "onboarder" } },
    });
    await rbac.createClusterRole({
      body: {
        metadata: { name: "onboarder" },
        rules: [
          {
            apiGroups: [""],
            resources: ["namespaces", "serviceaccounts", "secrets"],
            verbs: ["get", "create", "patch"],
          },
        ],
      },
    });
    await rbac.createClusterRoleBinding({
      body: {
        metadata: { name: "onboarder" },
        roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "onboarder" },
        subjects: [{ kind: "ServiceAccount", name: "onboarder", namespace: "default" }],
      },
    });
    const { status } = await o.core.createNamespacedServiceAccountToken({
      name: "onboarder",
      namespace: "default",
      body: { spec: { audiences: [], expirationSeconds: 3600 } },
    });
    const server = kc.getCurrentCluster();
    if (!server || !status?.token) throw new Error("no cluster or token");
    const limited = new KubeConfig();
    limited.loadFromOptions({
      clusters: [server],
      users: [{ name: "onboarder", token: status.token }],
      contexts: [{ name: "onboarder", cluster: server.name, user: "onboarder" }],
      currentContext: "onboarder",
    });
    const path = join(o.dir, "onboarder.kubeconfig");
    writeFileSync(path, limited.exportConfig(), { mode: 0o600 });
    const other = `${cluster}-r`;
    const args = onboardArgs(["--namespace", "rbac-agent", "--blocks-namespace", "rbac-blocks"]).map((a) =>
      a === o.peer.kubeconfigPath ? path : a === cluster ? other : a,
    );
    const r = await run(args);
    expect(r.code).toBe(1);
    expect(r.out.split("\n")).toEqual([
      "created    Namespace rbac-agent",
      "created    Namespace rbac-blocks",
      "created    ServiceAccount rbac-agent/aios-agent",
    ]);
    expect(r.err).toMatch(
      /stopped at reading Role rbac-blocks\/aios-agent-blocks: 403: roles.rbac.authorization.k8s.io "aios-agent-blocks" is forbidden: User "system:serviceaccount:default:onboarder" cannot get resource "roles"/,
    );
    expect(r.err).toContain(
      `It had made or changed: Namespace rbac-agent, Namespace rbac-blocks, ServiceAccount rbac-agent/aios-agent; all of it is labelled app.kubernetes.io/managed-by=aios-onboard,aios.dev/cluster=${other}, and \`aios cluster offboard ${other} --kubeconfig ${path}\` removes it.`,
    );
    expect(await labelled(other)).toEqual([
      "Namespace rbac-agent",
      "Namespace rbac-blocks",
      "ServiceAccount rbac-agent/aios-agent",
    ]);
    const off = await run(["cluster", "offboard", other, "--kubeconfig", o.peer.kubeconfigPath]);
    expect(off.code, off.err).toBe(0);
    expect(off.out.split("\n")).toEqual([
      "removed    ServiceAccount rbac-agent/aios-agent",
      "removed    Namespace rbac-agent",
      "removed    Namespace rbac-blocks",
    ]);
    expect(await labelled(other)).toEqual([]);
  });
});
