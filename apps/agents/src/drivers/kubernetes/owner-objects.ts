import type { V1OwnerReference } from "@kubernetes/client-node";
import type { WorkloadOwner } from "../driver";
import { type KubeApi, kubeMessage, statusOf } from "./kube-api";
import { ownerNameOf, ownerObjectOf, ownerReferenceOf, type PodSettings } from "./pod-spec";

/**
 * The owner object of a block or vDAG (made by the first of its workloads, on any node): its
 * reference. Read at every start, never kept: another node's agent may have released it since,
 * and an object naming an owner that is gone would be collected at once.
 */
export async function ownerReferencesOf(
  api: KubeApi,
  s: PodSettings,
  owner: WorkloadOwner | undefined,
): Promise<V1OwnerReference[]> {
  if (!owner) return [];
  const name = ownerNameOf(owner);
  const namespace = s.namespace;
  let uid: string | undefined;
  try {
    uid = (await api.core.createNamespacedConfigMap({ namespace, body: ownerObjectOf(s, owner) })).metadata
      ?.uid;
  } catch (err) {
    if (statusOf(err) !== 409) throw new Error(`could not create ${name}: ${kubeMessage(err)}`);
    uid = (await api.core.readNamespacedConfigMap({ name, namespace })).metadata?.uid;
  }
  if (!uid) throw new Error(`${name} has no uid`);
  return [ownerReferenceOf("ConfigMap", name, uid)];
}

/** The owner is gone: its object is deleted, and the garbage collector removes what it owns. */
export async function releaseOwner(
  api: KubeApi,
  namespace: string,
  owner: Omit<WorkloadOwner, "instanceId">,
): Promise<void> {
  const name = ownerNameOf(owner);
  try {
    await api.core.deleteNamespacedConfigMap({ name, namespace, propagationPolicy: "Background" });
  } catch (err) {
    if (statusOf(err) !== 404) throw new Error(`could not remove ${name}: ${kubeMessage(err)}`);
  }
}
