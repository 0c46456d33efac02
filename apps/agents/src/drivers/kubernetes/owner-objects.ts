import type { V1NetworkPolicy, V1OwnerReference } from "@kubernetes/client-node";
import type { WorkloadOwner } from "../driver";
import { blockPolicyOf } from "./block-policy-spec";
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

/**
 * The block's NetworkPolicy (block-policy-spec.ts), owned by the block's object: made by the first
 * instance of the block on any node, taken over when one is left from an earlier object of the
 * block (about to be collected with it).
 */
export async function ensureBlockPolicy(
  api: KubeApi,
  s: PodSettings,
  blockId: string,
  owners: V1OwnerReference[],
): Promise<void> {
  const body = blockPolicyOf(s, blockId, owners);
  const name = body.metadata?.name as string;
  const namespace = s.namespace;
  try {
    await api.networking.createNamespacedNetworkPolicy({ namespace, body });
    return;
  } catch (err) {
    if (statusOf(err) !== 409)
      throw new Error(`could not create network policy ${name}: ${kubeMessage(err)}`);
  }
  const current: V1NetworkPolicy = await api.networking.readNamespacedNetworkPolicy({ name, namespace });
  if (current.metadata?.ownerReferences?.[0]?.uid === owners[0]?.uid) return;
  const replaced = {
    ...body,
    metadata: { ...body.metadata, resourceVersion: current.metadata?.resourceVersion },
  };
  await api.networking.replaceNamespacedNetworkPolicy({ name, namespace, body: replaced });
}
