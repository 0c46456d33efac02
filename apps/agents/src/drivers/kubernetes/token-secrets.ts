import type { V1OwnerReference, V1Secret } from "@kubernetes/client-node";
import { type KubeApi, kubeMessage, statusOf } from "./kube-api";
import type { ObjectCache } from "./object-cache";
import { tokenSecretNameOf, tokensOf } from "./pod-spec";

/**
 * The workloads' token Secrets (`<base>-tokens`, pod-spec.ts `tokenSecretOf`), written through the
 * API server and read from the driver's list + watch of them.
 */
export class TokenSecrets {
  constructor(
    private readonly api: KubeApi,
    private readonly namespace: string,
    private readonly cache: ObjectCache<V1Secret>,
    private readonly onError?: (message: string) => void,
  ) {}

  /** The tokens of the workload whose Secret is `<base>-tokens` (null each when it has none). */
  tokensOf(base: string) {
    return tokensOf(this.cache.get(tokenSecretNameOf(base)));
  }

  /** Stores a workload's tokens, replacing those of an earlier start. */
  async put(secret: V1Secret): Promise<void> {
    const { api, namespace } = this;
    const name = secret.metadata?.name as string;
    try {
      this.cache.put(await api.core.createNamespacedSecret({ namespace, body: secret }));
    } catch (err) {
      if (statusOf(err) !== 409) throw new Error(`could not store the tokens ${name}: ${kubeMessage(err)}`);
      this.cache.put(await api.core.replaceNamespacedSecret({ name, namespace, body: secret }));
    }
  }

  /** Its pod (or a runtime's Deployment) owns it: removing that lets the garbage collector remove the tokens. */
  async own(base: string, owner: V1OwnerReference): Promise<void> {
    const { api, namespace } = this;
    const name = tokenSecretNameOf(base);
    const current = await api.core.readNamespacedSecret({ name, namespace });
    current.metadata = { ...current.metadata, ownerReferences: [owner] };
    this.cache.put(await api.core.replaceNamespacedSecret({ name, namespace, body: current }));
  }

  async remove(base: string): Promise<void> {
    try {
      await this.api.core.deleteNamespacedSecret({
        name: tokenSecretNameOf(base),
        namespace: this.namespace,
      });
    } catch (err) {
      if (statusOf(err) !== 404)
        this.onError?.(`could not remove the tokens of ${base}: ${kubeMessage(err)}`);
    }
  }
}
