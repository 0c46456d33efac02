/**
 * What `aios cluster onboard` and `offboard` do to a cluster, through @kubernetes/client-node:
 * server-side apply of each object (field manager `aios-onboard`), told apart as created, updated
 * or unchanged by its resourceVersion; removal of everything labelled for a cluster, namespaces last.
 */
import {
  ApiException,
  KubeConfig,
  type KubernetesObject,
  KubernetesObjectApi,
  PatchStrategy,
} from "@kubernetes/client-node";
import {
  CLUSTER_LABEL,
  type KubeObject,
  MANAGED_BY,
  OFFBOARD_KINDS,
  objectRef,
  onboardSelector,
} from "./objects";

export const FIELD_MANAGER = "aios-onboard";

export type TApplied = "created" | "updated" | "unchanged" | "left as is";

/** A call the cluster refused or could not answer, naming the object and the reason. */
export class KubeStepError extends Error {}

/** A kubeconfig file (or, with a newline, its text), at `context` or its current one. */
export function loadKubeConfig(kubeconfig: string, context?: string): KubeConfig {
  const kc = new KubeConfig();
  try {
    if (kubeconfig.includes("\n")) kc.loadFromString(kubeconfig);
    else kc.loadFromFile(kubeconfig);
  } catch (err) {
    throw new KubeStepError(`--kubeconfig ${kubeconfig}: ${(err as Error).message}`);
  }
  if (context !== undefined) {
    if (!kc.getContexts().some((c) => c.name === context))
      throw new KubeStepError(
        `--context ${JSON.stringify(context)} is not in ${kubeconfig} (it has ${kc
          .getContexts()
          .map((c) => c.name)
          .join(", ")})`,
      );
    kc.setCurrentContext(context);
  }
  if (!kc.getCurrentCluster())
    throw new KubeStepError(`--kubeconfig ${kubeconfig} names no current cluster (pass --context)`);
  return kc;
}

/** A failed call as one line: its HTTP status and the API server's message. */
export function kubeReason(err: unknown): string {
  if (err instanceof ApiException) {
    let body: unknown = err.body;
    if (typeof body === "string") {
      try {
        body = JSON.parse(body);
      } catch {
        /* not JSON: the text as is */
      }
    }
    const message = (body as { message?: unknown } | null)?.message;
    return `${err.code}: ${typeof message === "string" ? message : String(err.body)}`;
  }
  const e = err as Error & { cause?: { code?: string } };
  return e.cause?.code ? `${e.message} (${e.cause.code})` : e.message;
}

const statusOf = (err: unknown) => (err instanceof ApiException ? err.code : null);

export class ClusterObjects {
  private readonly api: KubernetesObjectApi;
  constructor(kc: KubeConfig) {
    this.api = KubernetesObjectApi.makeApiClient(kc);
  }

  /** How many nodes the cluster has (one agent joins per node). */
  async nodeCount(): Promise<number> {
    try {
      return (await this.api.list("v1", "Node")).items.length;
    } catch (err) {
      throw new KubeStepError(
        `counting the cluster's nodes (for its join token): ${kubeReason(err)}; give --join-nodes N`,
      );
    }
  }

  /** The object as the cluster has it, or null. */
  async read<T extends KubernetesObject>(o: KubeObject): Promise<T | null> {
    try {
      return (await this.api.read({
        apiVersion: o.apiVersion,
        kind: o.kind,
        metadata: {
          name: o.metadata.name,
          ...(o.metadata.namespace ? { namespace: o.metadata.namespace } : {}),
        },
      })) as T;
    } catch (err) {
      if (statusOf(err) === 404) return null;
      throw new KubeStepError(`reading ${objectRef(o)}: ${kubeReason(err)}`);
    }
  }

  /**
   * Applies `o` for cluster `clusterId`. An object of that name made by something else is refused
   * (offboarding would remove it), except a namespace, which is used as it is and never labelled.
   */
  async apply(o: KubeObject, clusterId: string): Promise<TApplied> {
    const before = await this.read(o);
    const labels = before?.metadata?.labels ?? {};
    if (before && labels["app.kubernetes.io/managed-by"] !== MANAGED_BY) {
      if (o.kind === "Namespace") return "left as is";
      throw new KubeStepError(
        `${objectRef(o)} exists and was not made by aios cluster onboard; remove it or choose another --namespace`,
      );
    }
    if (before && labels[CLUSTER_LABEL] !== clusterId)
      throw new KubeStepError(
        `${objectRef(o)} belongs to cluster ${labels[CLUSTER_LABEL]}; offboard it first or choose another --namespace`,
      );
    let after: KubernetesObject;
    try {
      after = await this.api.patch(
        o,
        undefined,
        undefined,
        FIELD_MANAGER,
        true,
        PatchStrategy.ServerSideApply,
      );
    } catch (err) {
      throw new KubeStepError(`${objectRef(o)}: ${kubeReason(err)}`);
    }
    if (!before) return "created";
    return after.metadata?.resourceVersion === before.metadata?.resourceVersion ? "unchanged" : "updated";
  }

  /** Every object onboarding made for `clusterId`, in the order offboarding removes them. */
  async listOnboarded(clusterId: string): Promise<KubernetesObject[]> {
    const found: KubernetesObject[] = [];
    for (const { apiVersion, kind } of OFFBOARD_KINDS) {
      try {
        const list = await this.api.list(
          apiVersion,
          kind,
          undefined,
          undefined,
          undefined,
          undefined,
          undefined,
          onboardSelector(clusterId),
        );
        found.push(...list.items.map((item) => ({ ...item, apiVersion, kind })));
      } catch (err) {
        throw new KubeStepError(
          `listing ${kind}s labelled ${onboardSelector(clusterId)}: ${kubeReason(err)}`,
        );
      }
    }
    return found;
  }

  /** Deletes `o` (its dependents in the background); false when it was gone already. */
  async remove(o: KubernetesObject): Promise<boolean> {
    try {
      await this.api.delete(o, undefined, undefined, undefined, undefined, "Background");
      return true;
    } catch (err) {
      if (statusOf(err) === 404) return false;
      throw new KubeStepError(`${objectRef(o)}: ${kubeReason(err)}`);
    }
  }
}
