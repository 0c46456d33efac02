import { readdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { DaemonSet } from "kubernetes-models/apps/v1/DaemonSet";
import { Deployment } from "kubernetes-models/apps/v1/Deployment";
import { ClusterRole } from "kubernetes-models/rbac.authorization.k8s.io/v1/ClusterRole";
import { ClusterRoleBinding } from "kubernetes-models/rbac.authorization.k8s.io/v1/ClusterRoleBinding";
import { Role } from "kubernetes-models/rbac.authorization.k8s.io/v1/Role";
import { RoleBinding } from "kubernetes-models/rbac.authorization.k8s.io/v1/RoleBinding";
import { Namespace } from "kubernetes-models/v1/Namespace";
import { Service } from "kubernetes-models/v1/Service";
import { ServiceAccount } from "kubernetes-models/v1/ServiceAccount";
import { describe, expect, it } from "vitest";
import { parseAllDocuments } from "yaml";

/** No API server runs here: the manifests are checked against Kubernetes' own schemas, offline. */
const base = resolve(import.meta.dirname, "../base");
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
};
type Doc = { kind: string; metadata: { name: string; namespace?: string }; spec?: Record<string, unknown> };
const kustomization = parseAllDocuments(
  readFileSync(join(base, "kustomization.yaml"), "utf8"),
)[0]?.toJS() as {
  resources: string[];
};
const docs: Doc[] = kustomization.resources.flatMap((file) =>
  parseAllDocuments(readFileSync(join(base, file), "utf8")).map((d) => d.toJS() as Doc),
);

describe("k8s manifests", () => {
  it("lists every manifest file in the kustomization", () => {
    const files = readdirSync(base).filter((f) => f.endsWith(".yaml") && f !== "kustomization.yaml");
    expect([...kustomization.resources].sort()).toEqual(files.sort());
  });

  it.each(docs.map((d) => [`${d.kind}/${d.metadata.name}`, d] as const))("%s is valid", (_name, doc) => {
    const Model = MODELS[doc.kind];
    expect(Model, `no schema for kind ${doc.kind}`).toBeDefined();
    expect(() => new (Model as new (d: Doc) => { validate(): void })(doc).validate()).not.toThrow();
  });

  it("selects each workload's pods by its own labels, and each Service reaches a workload", () => {
    const deployments = docs.filter((d) => d.kind === "Deployment" || d.kind === "DaemonSet") as Array<
      Doc & {
        spec: {
          selector: { matchLabels: Record<string, string> };
          template: { metadata: { labels: Record<string, string> } };
        };
      }
    >;
    for (const d of deployments) {
      for (const [k, v] of Object.entries(d.spec.selector.matchLabels))
        expect(d.spec.template.metadata.labels[k]).toBe(v);
    }
    for (const s of docs.filter((d) => d.kind === "Service") as Array<
      Doc & { spec: { selector: Record<string, string> } }
    >) {
      const target = deployments.find((d) =>
        Object.entries(s.spec.selector).every(([k, v]) => d.spec.template.metadata.labels[k] === v),
      );
      expect(target, `service ${s.metadata.name} selects no deployment`).toBeDefined();
    }
  });

  it("runs the processes the repository has", () => {
    const commands = docs
      .filter((d) => d.kind === "Deployment" || d.kind === "DaemonSet")
      .flatMap(
        (d) =>
          (d.spec as { template: { spec: { containers: Array<{ command: string[] }> } } }).template.spec
            .containers,
      )
      .flatMap((c) => c.command.filter((part) => part.endsWith(".ts") || part.endsWith(".mjs")));
    for (const path of commands) expect(() => readFileSync(resolve(base, "../..", path))).not.toThrow();
  });
});
