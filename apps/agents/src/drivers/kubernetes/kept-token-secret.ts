import type { V1Secret } from "@kubernetes/client-node";
import type { KeptToken, KeptTokenStore } from "../../agent-identity";
import { type KubeApi, kubeMessage, statusOf } from "./kube-api";
import { labelValueOf, MANAGED_BY, MANAGER, podNameOf } from "./pod-spec";

const KEY = "agent-token.json";

/**
 * The agent token of a node's agent, kept in a Secret of the blocks' namespace
 * (`aios-agent-token-<node>`, which only the agents' service account reads: the blocks' pods have
 * no service account token): the agent pod a DaemonSet puts in place of one that was deleted or
 * evicted finds it there, its `emptyDir` state gone, and needs no new join token.
 */
export function keptTokenSecret(
  api: KubeApi,
  namespace: string,
  clusterId: string,
  nodeName: string,
): KeptTokenStore {
  const name = podNameOf(`aios-agent-token-${nodeName}`);
  const where = `Secret ${namespace}/${name}`;
  const body = (kept: KeptToken): V1Secret => ({
    apiVersion: "v1",
    kind: "Secret",
    metadata: {
      name,
      namespace,
      labels: {
        "app.kubernetes.io/part-of": "aios",
        "app.kubernetes.io/component": "agent-token",
        [MANAGED_BY]: MANAGER,
        "aios.dev/cluster": labelValueOf(clusterId),
      },
    },
    type: "Opaque",
    stringData: { [KEY]: JSON.stringify(kept) },
  });
  return {
    where,
    async read() {
      let secret: V1Secret;
      try {
        secret = await api.core.readNamespacedSecret({ name, namespace });
      } catch (err) {
        if (statusOf(err) === 404) return null;
        throw new Error(`could not read the kept agent token (${where}): ${kubeMessage(err)}`);
      }
      const b64 = secret.data?.[KEY];
      if (!b64) return null;
      try {
        return JSON.parse(Buffer.from(b64, "base64").toString("utf8")) as unknown;
      } catch {
        throw new Error(`${where}: the kept agent token is not JSON; remove it to join again`);
      }
    },
    async write(kept) {
      try {
        await api.core.createNamespacedSecret({ namespace, body: body(kept) });
      } catch (err) {
        if (statusOf(err) !== 409)
          throw new Error(`could not keep the agent token (${where}): ${kubeMessage(err)}`);
        await api.core.replaceNamespacedSecret({ name, namespace, body: body(kept) });
      }
    },
  };
}
