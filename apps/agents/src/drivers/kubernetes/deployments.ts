import type { V1Deployment, V1Service } from "@kubernetes/client-node";
import { type KubeApi, kubeMessage, statusOf } from "./kube-api";

/**
 * The Deployment of a runtime, created, or replaced when one of its name exists (an earlier start,
 * another node's agent before the runtime moved here): its template then changes to this start's,
 * and Kubernetes replaces the pod. Deterministic names: a retried create meets 409, never a twin.
 */
export async function applyDeployment(
  api: KubeApi,
  namespace: string,
  body: V1Deployment,
): Promise<V1Deployment> {
  const name = body.metadata?.name as string;
  // Each turn meets what another writer did meanwhile: a deletion finishing, its controller's status.
  for (let attempt = 0; attempt < 100; attempt++) {
    try {
      return await api.apps.createNamespacedDeployment({ namespace, body });
    } catch (err) {
      if (statusOf(err) !== 409) throw new Error(`could not create deployment ${name}: ${kubeMessage(err)}`);
    }
    const current = await api.apps.readNamespacedDeployment({ name, namespace }).catch((err: unknown) => {
      if (statusOf(err) === 404) return null; // gone since: create it again
      throw new Error(`could not read deployment ${name}: ${kubeMessage(err)}`);
    });
    if (!current) continue;
    if (current.metadata?.deletionTimestamp) {
      // Being removed (a stop a moment ago): made anew once it is gone.
      await new Promise((r) => setTimeout(r, 200));
      continue;
    }
    const replaced: V1Deployment = {
      ...body,
      metadata: { ...body.metadata, resourceVersion: current.metadata?.resourceVersion },
    };
    try {
      return await api.apps.replaceNamespacedDeployment({ name, namespace, body: replaced });
    } catch (err) {
      if (statusOf(err) !== 409 && statusOf(err) !== 404)
        throw new Error(`could not replace deployment ${name}: ${kubeMessage(err)}`);
    }
  }
  throw new Error(`deployment ${name} could not be written: it kept changing (or being removed) for 20 s`);
}

/**
 * The runtime's Service: created, or taken over when one of its name is left from an earlier
 * Deployment of that name (it then names the current one as its owner, so it goes with it).
 */
export async function applyService(api: KubeApi, namespace: string, body: V1Service): Promise<void> {
  const name = body.metadata?.name as string;
  const owner = body.metadata?.ownerReferences?.[0]?.uid;
  for (let attempt = 0; attempt < 100; attempt++) {
    try {
      await api.core.createNamespacedService({ namespace, body });
      return;
    } catch (err) {
      if (statusOf(err) !== 409) throw new Error(`could not create service ${name}: ${kubeMessage(err)}`);
    }
    const current = await api.core.readNamespacedService({ name, namespace }).catch((err: unknown) => {
      if (statusOf(err) === 404) return null;
      throw new Error(`could not read service ${name}: ${kubeMessage(err)}`);
    });
    if (!current) continue;
    if (current.metadata?.deletionTimestamp) {
      // Collected with the Deployment it named: made anew once it is gone.
      await new Promise((r) => setTimeout(r, 200));
      continue;
    }
    if (current.metadata?.ownerReferences?.[0]?.uid === owner) return;
    const taken: V1Service = {
      ...current,
      metadata: {
        ...current.metadata,
        labels: body.metadata?.labels ?? {},
        annotations: body.metadata?.annotations ?? {},
        ownerReferences: body.metadata?.ownerReferences ?? [],
      },
      spec: { ...current.spec, selector: body.spec?.selector ?? {}, ports: body.spec?.ports ?? [] },
    };
    try {
      await api.core.replaceNamespacedService({ name, namespace, body: taken });
      return;
    } catch (err) {
      if (statusOf(err) !== 409 && statusOf(err) !== 404)
        throw new Error(`could not replace service ${name}: ${kubeMessage(err)}`);
    }
  }
  throw new Error(`service ${name} could not be written: it kept changing (or being removed) for 20 s`);
}

/** Deletes a runtime's Deployment; the garbage collector removes its pods, its Service and its tokens. */
export async function deleteDeployment(api: KubeApi, namespace: string, name: string): Promise<void> {
  try {
    await api.apps.deleteNamespacedDeployment({ name, namespace, propagationPolicy: "Background" });
  } catch (err) {
    if (statusOf(err) !== 404) throw new Error(`could not remove deployment ${name}: ${kubeMessage(err)}`);
  }
}
