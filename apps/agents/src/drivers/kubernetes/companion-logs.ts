import type { V1Pod } from "@kubernetes/client-node";
import type { KubeApi } from "./kube-api";
import { PodLogs } from "./pod-logs";
import { CONTAINER } from "./pod-spec";
import { FETCH_CONTAINER } from "./pushed-code";

/**
 * The output of a pod's init containers (read once: they have ended when the workload starts) and
 * side-cars (followed as the workload's own is), by container name: what `logs(limit, container)`
 * answers. The code fetch's init container is the platform's, not the component's: left out.
 */
export function companionLogs(
  api: KubeApi,
  namespace: string,
  pod: string,
  p: V1Pod,
  runs: () => boolean,
): Map<string, PodLogs> {
  const out = new Map<string, PodLogs>();
  for (const c of p.spec?.initContainers ?? []) {
    if (c.name === FETCH_CONTAINER) continue;
    const l = new PodLogs(api, namespace, pod, undefined, true, c.name);
    void l.finish();
    out.set(c.name, l);
  }
  for (const c of p.spec?.containers ?? []) {
    if (c.name === CONTAINER) continue;
    const l = new PodLogs(api, namespace, pod, undefined, false, c.name);
    l.follow(runs);
    out.set(c.name, l);
  }
  return out;
}
