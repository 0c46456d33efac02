import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { AppsV1Api, KubeConfig, RbacAuthorizationV1Api, type V1EnvVar } from "@kubernetes/client-node";
import { describe, expect, it } from "vitest";
import { parseAllDocuments } from "yaml";
import { queueUrl, SELECTOR, useOnboarding } from "./onboard-fixture";

/**
 * `aios cluster onboard` and `offboard` against a real Kubernetes API server (testpeers/kubernetes)
 * and an API in token mode: bad arguments refused, the objects made, their labels, the agent's Role
 * and settings, a second run that changes nothing, and removal of all of it. What onboarding
 * refuses part way is in cluster-onboard-refusals.int.test.ts.
 */
const repoRoot = resolve(import.meta.dirname, "../../..");

describe("aios cluster onboard and offboard, against a real Kubernetes API server", () => {
  const o = useOnboarding();
  const { api, cluster, run, onboardArgs, labelled, joinTokensOf } = o;

  it("refuses bad arguments with an error naming the flag, before calling anything", async () => {
    const cases: Array<[string[], string]> = [
      [["cluster", "onboard", "--cluster-id", "x"], "cluster onboard needs --kubeconfig"],
      [
        ["cluster", "onboard", "--kubeconfig", "/nonexistent/kc"],
        '--kubeconfig: no such file "/nonexistent/kc"',
      ],
      [
        onboardArgs().filter((a, i, all) => a !== "--cluster-id" && all[i - 1] !== "--cluster-id"),
        "needs --cluster-id",
      ],
      [
        [...onboardArgs(), "--cluster-id", "Not_A_Label"],
        '--cluster-id "Not_A_Label" must be a DNS-1123 label',
      ],
      [[...onboardArgs(), "--namespace", "aios-blocks"], "--blocks-namespace must differ from --namespace"],
      [
        [...onboardArgs(), "--blocks-namespace", "Blocks"],
        '--blocks-namespace "Blocks" must be a DNS-1123 label',
      ],
      [onboardArgs().filter((a, i, all) => a !== "--image" && all[i - 1] !== "--image"), "needs --image"],
      [
        [...onboardArgs(), "--queue-url", "http://q"],
        "--queue-url must be a redis://, rediss:// or postgres:// URL",
      ],
      [
        onboardArgs().filter((a, i, all) => a !== "--queue-url" && all[i - 1] !== "--queue-url"),
        "needs --queue-url",
      ],
      [[...onboardArgs(), "--api-url", "not a url"], '--api-url must be a URL, got "not a url"'],
      [[...onboardArgs(), "--api-url", "ftp://x"], "--api-url must be an http:// or https:// URL"],
      [[...onboardArgs(), "--join-expires", "soon"], "--join-expires:"],
      [
        [...onboardArgs(), "--join-nodes", "two"],
        '--join-nodes must be a whole number of nodes, 1 to 10000, got "two"',
      ],
      [[...onboardArgs(), "--replicas", "3"], "cluster onboard: Unknown option '--replicas'"],
      [["cluster", "offboard", "--kubeconfig", "/nonexistent"], "cluster offboard needs the CLUSTER id"],
      [["cluster", "offboard", "x"], "cluster offboard needs --kubeconfig"],
      [["cluster", "offboard", "X_1", "--kubeconfig", "/tmp"], 'CLUSTER "X_1" must be a DNS-1123 label'],
    ];
    for (const [args, message] of cases) {
      const r = await run(args);
      expect([args.join(" "), r.code]).toEqual([args.join(" "), 2]);
      expect(r.err).toContain(message);
    }
    const context = await run([...onboardArgs(), "--context", "nope"]);
    expect(context.code).toBe(1);
    expect(context.err).toMatch(/--context "nope" is not in .* \(it has /);
    expect(await labelled()).toEqual([]);
    expect(await joinTokensOf(cluster)).toBe(0);
  });

  it("creates the agent's namespaces, service account, Role, RoleBinding, join Secret and DaemonSet, all labelled", async () => {
    const r = await run(onboardArgs());
    expect(r.code, r.err).toBe(0);
    expect(r.out.split("\n")).toEqual([
      "created    Namespace aios-system",
      "created    Namespace aios-blocks",
      "created    ServiceAccount aios-system/aios-agent",
      "created    Role aios-blocks/aios-agent-blocks",
      "created    RoleBinding aios-blocks/aios-agent-blocks",
      "created    Secret aios-system/aios-agent-join",
      "created    DaemonSet aios-system/aios-agent",
    ]);
    expect(r.err).toMatch(new RegExp(`join token \\S+ issued for cluster ${cluster}`));
    expect(r.err).toContain(`cluster ${cluster} onboarded`);
    expect(await labelled()).toEqual([
      "DaemonSet aios-system/aios-agent",
      "Namespace aios-blocks",
      "Namespace aios-system",
      "Role aios-blocks/aios-agent-blocks",
      "RoleBinding aios-blocks/aios-agent-blocks",
      "Secret aios-system/aios-agent-join",
      "ServiceAccount aios-system/aios-agent",
    ]);

    // The Role: exactly k8s/base's, in the blocks' namespace only, bound to the agent's account.
    const kc = new KubeConfig();
    kc.loadFromString(o.peer.kubeconfig);
    const rbac = kc.makeApiClient(RbacAuthorizationV1Api);
    const base = parseAllDocuments(readFileSync(resolve(repoRoot, "k8s/base/agent-rbac.yaml"), "utf8"))
      .map((d) => d.toJS())
      .find((d) => d.kind === "Role");
    const role = await rbac.readNamespacedRole({ name: "aios-agent-blocks", namespace: "aios-blocks" });
    expect(role.rules).toEqual(base.rules);
    const binding = await rbac.readNamespacedRoleBinding({
      name: "aios-agent-blocks",
      namespace: "aios-blocks",
    });
    expect(binding.subjects).toEqual([
      { kind: "ServiceAccount", name: "aios-agent", namespace: "aios-system" },
    ]);
    expect(binding.roleRef).toEqual({
      apiGroup: "rbac.authorization.k8s.io",
      kind: "Role",
      name: "aios-agent-blocks",
    });
    const elsewhere = await o.objects.list(
      "rbac.authorization.k8s.io/v1",
      "ClusterRoleBinding",
      undefined,
      undefined,
      undefined,
      undefined,
      undefined,
      SELECTOR(cluster),
    );
    expect(elsewhere.items).toEqual([]);

    // The Secret: a join token of this cluster the API issued, and the URLs the agent uses.
    const secret = await o.core.readNamespacedSecret({ name: "aios-agent-join", namespace: "aios-system" });
    const value = (k: string) => Buffer.from(secret.data?.[k] ?? "", "base64").toString("utf8");
    expect(value("AIOS_API_URL")).toBe("http://aios-api.aios:4000");
    expect(value("AIOS_QUEUE_URL")).toBe(queueUrl);
    expect(value("AIOS_JOIN_TOKEN")).toMatch(/^aios_/);
    expect(await joinTokensOf(cluster)).toBe(1);

    // The DaemonSet: the agent's settings as k8s/base's, the join Secret instead of an agent token.
    const ds = await kc
      .makeApiClient(AppsV1Api)
      .readNamespacedDaemonSet({ name: "aios-agent", namespace: "aios-system" });
    expect(ds.metadata?.labels).toMatchObject({
      "app.kubernetes.io/managed-by": "aios-onboard",
      "aios.dev/cluster": cluster,
    });
    const pod = ds.spec?.template.spec;
    expect(pod?.serviceAccountName).toBe("aios-agent");
    const [container] = pod?.containers ?? [];
    expect(container?.image).toBe("registry.example/aios:1.2.3");
    const env = Object.fromEntries(
      (container?.env ?? []).map((e: V1EnvVar) => [e.name, e.value ?? e.valueFrom]),
    );
    expect(env).toEqual({
      AIOS_API_URL: { secretKeyRef: { name: "aios-agent-join", key: "AIOS_API_URL" } },
      AIOS_CLUSTER_ID: cluster,
      AIOS_AUTH: "token",
      AIOS_JOIN_TOKEN: { secretKeyRef: { name: "aios-agent-join", key: "AIOS_JOIN_TOKEN" } },
      AIOS_QUEUE_BACKEND: "redis",
      AIOS_QUEUE_URL: { secretKeyRef: { name: "aios-agent-join", key: "AIOS_QUEUE_URL" } },
      AIOS_NODE_ID: { fieldRef: { apiVersion: "v1", fieldPath: "spec.nodeName" } },
      AIOS_PUBLIC_HOSTNAME: { fieldRef: { apiVersion: "v1", fieldPath: "status.podIP" } },
      AIOS_BIND_HOST: { fieldRef: { apiVersion: "v1", fieldPath: "status.podIP" } },
      AIOS_HOME: "/var/lib/aios/home",
      AIOS_WORKLOAD_DIR: "/var/lib/aios/workloads",
      AIOS_DRIVER: "kubernetes",
      AIOS_K8S_NAMESPACE: "aios-blocks",
      AIOS_K8S_NODE_NAME: { fieldRef: { apiVersion: "v1", fieldPath: "spec.nodeName" } },
      AIOS_K8S_IMAGE: "registry.example/aios:1.2.3",
      AIOS_K8S_IMAGE_REPO_ROOT: "/app",
      AIOS_K8S_AGENT_NAMESPACE: { fieldRef: { apiVersion: "v1", fieldPath: "metadata.namespace" } },
    });
  });

  it("changes nothing when run again: every object unchanged, no new join token", async () => {
    const r = await run(onboardArgs());
    expect(r.code, r.err).toBe(0);
    expect(r.out.split("\n").map((l) => l.split(/\s+/)[0])).toEqual(Array(7).fill("unchanged"));
    expect(r.err).not.toContain("join token");
    expect(await joinTokensOf(cluster)).toBe(1);

    // A changed setting updates that object only; --renew-join-token replaces the Secret's token.
    const changed = await run([
      ...onboardArgs(),
      "--image",
      "registry.example/aios:1.2.4",
      "--renew-join-token",
      "--join-nodes",
      "3",
    ]);
    expect(changed.code, changed.err).toBe(0);
    // The new token lets the agents of 3 nodes join, each once.
    expect(changed.err).toMatch(new RegExp(`join token \\S+ issued for cluster ${cluster} \\(3 nodes\\)`));
    const newest = await api.database.db.apiToken.findFirstOrThrow({
      where: { role: "join", scope: cluster },
      orderBy: { createdAt: "desc" },
    });
    expect(newest.usesLeft).toBe(3);
    expect(changed.out.split("\n").filter((l) => !l.startsWith("unchanged"))).toEqual([
      "updated    Secret aios-system/aios-agent-join",
      "updated    DaemonSet aios-system/aios-agent",
    ]);
    expect(await joinTokensOf(cluster)).toBe(2);
  });

  it("offboard removes every object onboarding made, namespaces last; again, it has nothing to remove", async () => {
    const r = await run(["cluster", "offboard", cluster, "--kubeconfig", o.peer.kubeconfigPath]);
    expect(r.code, r.err).toBe(0);
    expect(r.out.split("\n")).toEqual([
      "removed    DaemonSet aios-system/aios-agent",
      "removed    Secret aios-system/aios-agent-join",
      "removed    RoleBinding aios-blocks/aios-agent-blocks",
      "removed    Role aios-blocks/aios-agent-blocks",
      "removed    ServiceAccount aios-system/aios-agent",
      "removed    Namespace aios-blocks",
      "removed    Namespace aios-system",
    ]);
    expect(r.err).toContain(`cluster ${cluster} offboarded: 7 object(s) removed`);
    expect(await labelled()).toEqual([]);
    // The cluster's join tokens (and any agent token) no longer reach the API.
    expect(r.err).toMatch(new RegExp(`revoked [1-9]\\d* agent and join token\\(s\\) of cluster ${cluster}`));
    const live = await api.database.db.apiToken.count({ where: { scope: cluster, revokedAt: null } });
    expect(live).toBe(0);
    const again = await run(["cluster", "offboard", cluster, "--kubeconfig", o.peer.kubeconfigPath]);
    expect(again.code, again.err).toBe(0);
    expect(again.out.split("\n").every((l) => l === "" || l.startsWith("removing"))).toBe(true);
    expect(again.err).toMatch(/nothing of cluster \S+ to remove/);
    expect(again.err).toContain(`revoked 0 agent and join token(s) of cluster ${cluster}`);
  });
});
