import {
  ApiException,
  KubeConfig,
  type KubernetesObject,
  KubernetesObjectApi,
  PatchStrategy,
} from "@kubernetes/client-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type PodSettings, podOf } from "../../apps/agents/src/drivers/kubernetes/pod-spec";
import { type KubePeer, startKubePeer } from "../../scripts/kube-peer/index";
import { type K8sObject, kustomizations, render, workloadsOf } from "./render";

/**
 * Every kustomization, rendered by the pinned kustomize, goes to a real API server (the test peer:
 * kube-apiserver 1.34 from testpeers/kubernetes) as a server-side dry run: the server's own
 * validation, defaulting and admission (Pod Security included) judge each object, and nothing is
 * stored. Only the namespaces (and the agent's service account, which pods name) are made for real.
 */
let peer: KubePeer;
let client: KubernetesObjectApi;
const MANAGER = "aios-k8s-test";

beforeAll(async () => {
  peer = await startKubePeer({ nodes: 1 });
  const kc = new KubeConfig();
  kc.loadFromString(peer.kubeconfig);
  client = KubernetesObjectApi.makeApiClient(kc);
}, 120_000);

afterAll(async () => {
  await peer?.stop();
});

/** Server-side apply; `dryRun: All` unless `forReal`. */
const apply = (o: KubernetesObject, forReal = false) =>
  client.patch(o, undefined, forReal ? undefined : "All", MANAGER, true, PatchStrategy.ServerSideApply);

/** The server's word on a failed call: status and message. */
function why(err: unknown): string {
  if (err instanceof ApiException) {
    const body = typeof err.body === "string" ? err.body : JSON.stringify(err.body);
    try {
      return `HTTP ${err.code}: ${(JSON.parse(body) as { message?: string }).message ?? body}`;
    } catch {
      return `HTTP ${err.code}: ${body}`;
    }
  }
  return err instanceof Error ? err.message : String(err);
}

/** Each call in turn; the failures as `Kind/name: reason` (none: an empty list). */
async function failuresOf(objects: K8sObject[], call: (o: K8sObject) => Promise<unknown>): Promise<string[]> {
  const failures: string[] = [];
  for (const o of objects) {
    try {
      await call(o);
    } catch (err) {
      failures.push(`${o.kind}/${o.metadata.name}: ${why(err)}`);
    }
  }
  return failures;
}

/** A pod as a workload's controller would make it from its template. */
const podFrom = (o: K8sObject, template: ReturnType<typeof workloadsOf>[number]["template"]): K8sObject => ({
  apiVersion: "v1",
  kind: "Pod",
  metadata: {
    name: `${o.metadata.name}-dry-run`,
    namespace: o.metadata.namespace,
    labels: template.metadata.labels,
  },
  spec: template.spec,
});

describe.each(kustomizations)("k8s/%s on a real API server", (k) => {
  let objects: K8sObject[];
  beforeAll(async () => {
    objects = await render(k);
    // Namespaced objects are checked in namespaces that exist, with this overlay's labels.
    expect(
      await failuresOf(
        objects.filter((o) => o.kind === "Namespace"),
        (o) => apply(o, true),
      ),
    ).toEqual([]);
    const account = objects.filter((o) => o.kind === "ServiceAccount");
    expect(await failuresOf(account, (o) => apply(o, true))).toEqual([]);
  });

  it("accepts every object (server-side apply, dry run)", async () => {
    expect(objects.length).toBeGreaterThan(5);
    expect(await failuresOf(objects, (o) => apply(o))).toEqual([]);
  });

  it("admits the pods of every workload (the namespace's Pod Security level, the service account)", async () => {
    const pods = workloadsOf(objects).map(({ object, template }) => podFrom(object, template));
    expect(pods.length).toBeGreaterThanOrEqual(3);
    expect(await failuresOf(pods, (p) => client.create(p, undefined, "All", MANAGER))).toEqual([]);
  });

  it("admits the pods the agents' driver makes in aios-blocks", async () => {
    const settings: PodSettings = {
      namespace: "aios-blocks",
      nodeName: "kwok-node-0",
      clusterId: "cluster-1",
      image: "aios:latest",
      repoRoot: "/repo",
      imageRepoRoot: "/app",
      port: 8080,
      runtimeEnv: {},
    };
    const kinds = ["instance", "executor", "vdag-controller", "function-replica"] as const;
    const pods = kinds.map(
      (kind) =>
        podOf(
          settings,
          { name: `b1-${kind}`, kind, entry: "x.ts", env: {}, gpus: [], controlToken: "c", dataToken: "d" },
          "/app/x.ts",
          `b1-${kind}`,
        ) as K8sObject,
    );
    expect(await failuresOf(pods, (p) => client.create(p, undefined, "All", MANAGER))).toEqual([]);
  });
});

it("refuses what breaks the production namespace's Pod Security level (the check above can fail)", async () => {
  const objects = await render("overlays/production");
  for (const ns of objects.filter((o) => o.kind === "Namespace")) await apply(ns, true);
  const { object, template } = workloadsOf(objects).find((w) => w.object.metadata.name === "aios-api")!;
  const root = podFrom(object, {
    ...template,
    spec: { ...template.spec, securityContext: { runAsUser: 0 } },
  });
  const failures = await failuresOf([root], (p) => client.create(p, undefined, "All", MANAGER));
  expect(failures).toHaveLength(1);
  expect(failures[0]).toMatch(/HTTP 403: .*violates PodSecurity "restricted/);
});
