import { createHash } from "node:crypto";
import type { TImagePull } from "@aios/contracts";
import type { V1Secret } from "@kubernetes/client-node";
import { type KubeApi, kubeMessage, statusOf } from "./kube-api";
import { labelValueOf, MANAGED_BY, MANAGER } from "./pod-spec";

/** On a pull Secret: a digest of what it holds, so an unchanged one is not written again. */
export const CREDENTIALS_ANNOTATION = "aios.dev/credentials";

/** The `.dockerconfigjson` of a registry's credentials, as the kubelet reads it. */
export function dockerConfigOf(
  pull: TImagePull & { credentials: { username: string; password: string } },
): string {
  const { username, password } = pull.credentials;
  const auth = Buffer.from(`${username}:${password}`).toString("base64");
  return JSON.stringify({ auths: { [pull.server]: { username, password, auth } } });
}

/**
 * The image pull Secrets of the container registries the blocks' components name
 * (`aios-registry-<id>`, type `kubernetes.io/dockerconfigjson`), made in the blocks' namespace
 * from the credentials the API hands the agent, and written again when the registry's
 * credentials change. They belong to no workload: every instance of a registry's images shares
 * its Secret.
 */
export function pullSecrets(api: KubeApi, namespace: string) {
  /** The digest this agent last wrote or read, per Secret: an unchanged one costs no request. */
  const written = new Map<string, string>();
  return {
    /** Makes or updates the Secret for `pull`; nothing for an anonymous registry. */
    async ensure(pull: TImagePull): Promise<void> {
      if (!pull.credentials) return;
      const config = dockerConfigOf({ ...pull, credentials: pull.credentials });
      const digest = createHash("sha256").update(config).digest("hex").slice(0, 32);
      const name = pull.secretName;
      if (written.get(name) === digest) return;
      const body: V1Secret = {
        apiVersion: "v1",
        kind: "Secret",
        metadata: {
          name,
          namespace,
          labels: {
            "app.kubernetes.io/part-of": "aios",
            "app.kubernetes.io/component": "image-pull",
            [MANAGED_BY]: MANAGER,
            "aios.dev/container-registry": labelValueOf(pull.containerRegistryId),
          },
          annotations: { [CREDENTIALS_ANNOTATION]: digest },
        },
        type: "kubernetes.io/dockerconfigjson",
        stringData: { ".dockerconfigjson": config },
      };
      try {
        let current: V1Secret | null = null;
        try {
          current = await api.core.readNamespacedSecret({ name, namespace });
        } catch (err) {
          if (statusOf(err) !== 404) throw err;
        }
        if (!current) await api.core.createNamespacedSecret({ namespace, body });
        else if (current.metadata?.annotations?.[CREDENTIALS_ANNOTATION] !== digest)
          await api.core.replaceNamespacedSecret({ name, namespace, body });
      } catch (err) {
        throw new Error(
          `could not store the image pull Secret ${namespace}/${name} of container registry ${pull.containerRegistryId}: ${kubeMessage(err)}`,
        );
      }
      written.set(name, digest);
    },
  };
}
