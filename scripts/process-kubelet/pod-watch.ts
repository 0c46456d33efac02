import { type CoreV1Api, type KubeConfig, type V1Pod, Watch } from "@kubernetes/client-node";

export interface PodEvents {
  /** The whole set of the node's pods, after each (re-)list. */
  listed(pods: V1Pod[]): void;
  changed(pod: V1Pod): void;
  deleted(pod: V1Pod): void;
  error(message: string): void;
}

const watchSeconds = 60;

/**
 * The pods bound to one node, as the kubelet follows them: a list, then a watch from the list's
 * resourceVersion that the server ends after timeoutSeconds and that is resumed from the last
 * version seen; a version too old (410 Gone) means a fresh list. Returns the function that stops it.
 */
export function watchNodePods(kc: KubeConfig, core: CoreV1Api, nodeName: string, on: PodEvents): () => void {
  const fieldSelector = `spec.nodeName=${nodeName}`;
  let stopped = false;
  let current: AbortController | undefined;
  let wake: (() => void) | undefined;
  const pause = (ms: number) =>
    new Promise<void>((r) => {
      const t = setTimeout(r, ms);
      wake = () => {
        clearTimeout(t);
        r();
      };
    });

  const loop = async () => {
    let resourceVersion: string | undefined;
    while (!stopped) {
      try {
        if (!resourceVersion) {
          const list = await core.listPodForAllNamespaces({ fieldSelector });
          resourceVersion = list.metadata?.resourceVersion;
          if (stopped) return;
          on.listed(list.items);
        }
        let expired = false;
        const ended = await new Promise<unknown>((done) => {
          void new Watch(kc)
            .watch(
              "/api/v1/pods",
              { fieldSelector, resourceVersion, timeoutSeconds: watchSeconds, allowWatchBookmarks: true },
              (type, obj: V1Pod & { code?: number; message?: string }) => {
                if (type === "ERROR") {
                  // Too old a version (410) or anything else: a fresh list starts over cleanly.
                  expired = true;
                  if (obj.code !== 410)
                    on.error(`watch of the node's pods: ${obj.message ?? JSON.stringify(obj)}`);
                  return;
                }
                resourceVersion = obj.metadata?.resourceVersion ?? resourceVersion;
                if (type === "ADDED" || type === "MODIFIED") on.changed(obj);
                else if (type === "DELETED") on.deleted(obj);
              },
              done,
            )
            .then((c) => {
              current = c;
              if (stopped) c.abort();
            }, done);
        });
        if (stopped) return;
        if (expired || (ended as { statusCode?: number } | null)?.statusCode === 410)
          resourceVersion = undefined;
        else if (ended) {
          on.error(`watch of the node's pods ended: ${String(ended)}`);
          await pause(1000);
        }
      } catch (e) {
        if (stopped) return;
        on.error(`listing the node's pods: ${e instanceof Error ? e.message : String(e)}`);
        resourceVersion = undefined;
        await pause(1000);
      }
    }
  };
  void loop();
  return () => {
    stopped = true;
    current?.abort();
    wake?.();
  };
}
