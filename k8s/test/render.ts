import { execFile } from "node:child_process";
import { readdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { parseAllDocuments } from "yaml";
import { builtPeer } from "../../scripts/kube-peer/index";

/** A rendered Kubernetes object, as far as the tests read it. */
export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
  spec?: Record<string, unknown>;
  [key: string]: unknown;
}

export const k8sDir = resolve(import.meta.dirname, "..");

/** The kustomizations a user applies: the base and every overlay. */
export const kustomizations: string[] = [
  "base",
  ...readdirSync(join(k8sDir, "overlays"), { withFileTypes: true })
    .filter((e) => e.isDirectory())
    .map((e) => `overlays/${e.name}`),
];

/**
 * `kustomize build k8s/<path>` with the kustomize of the test peer's cache, built from its pinned
 * Go module (testpeers/kubernetes/kustomize); fails, saying how to build it, where it is missing.
 */
export async function render(path: string): Promise<K8sObject[]> {
  const { bin } = await builtPeer();
  const { stdout } = await promisify(execFile)(bin.kustomize, ["build", join(k8sDir, path)], {
    maxBuffer: 16 * 1024 * 1024,
  });
  return parseAllDocuments(stdout)
    .map((d) => d.toJS() as K8sObject | null)
    .filter((o): o is K8sObject => o !== null);
}

export const find = (objects: K8sObject[], kind: string, name: string): K8sObject => {
  const found = objects.find((o) => o.kind === kind && o.metadata.name === name);
  if (!found) throw new Error(`no ${kind}/${name} in the rendered objects`);
  return found;
};

export interface Container {
  name: string;
  image: string;
  env?: Array<{ name: string; value?: string; valueFrom?: Record<string, Record<string, string>> }>;
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
  securityContext?: Record<string, unknown>;
}
export interface PodTemplate {
  metadata: { labels: Record<string, string> };
  spec: {
    containers: Container[];
    initContainers?: Container[];
    securityContext?: Record<string, unknown>;
    [key: string]: unknown;
  };
}

/** The Deployments and DaemonSets, with their pod templates. */
export const workloadsOf = (objects: K8sObject[]) =>
  objects
    .filter((o) => o.kind === "Deployment" || o.kind === "DaemonSet")
    .map((o) => ({ object: o, template: (o.spec as { template: PodTemplate }).template }));
