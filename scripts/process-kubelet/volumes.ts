import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import type { V1Container, V1Pod } from "@kubernetes/client-node";
import { ContainerConfigError } from "./container-env";

/** A volume mount as a process sees it: the container's path, and the folder of this machine it is. */
export interface Mount {
  mountPath: string;
  hostPath: string;
}

/**
 * A container's volume mounts as folders of this machine. Only `emptyDir` volumes are played: each
 * is `<podDir>/volumes/<name>`, made with the pod and shared by its containers (an init container's
 * writes are there for the next). A process has no mount namespace here, so the container's paths
 * under a mountPath are rewritten to the folder (`translatePath`), unless this machine has that
 * path itself (`/tmp`: the process then uses the machine's); `readOnly` is not enforced.
 * The service account token's projected volume is passed over (no file is there); another kind of
 * volume is a configuration error naming it.
 */
export function mountsOf(pod: V1Pod, c: V1Container, podDir: string): Mount[] {
  const volumes = new Map((pod.spec?.volumes ?? []).map((v) => [v.name, v]));
  return (c.volumeMounts ?? []).flatMap((m) => {
    const volume = volumes.get(m.name);
    // The service account token the admission controller projects into every pod: not played.
    if (volume?.projected?.sources?.some((source) => source.serviceAccountToken)) return [];
    // A path this machine has (/tmp) is its own: rewriting it would move the test's own files
    // (a repository or a kubeconfig under /tmp) out of the process's reach.
    if (existsSync(m.mountPath)) return [];
    if (!volume) throw new ContainerConfigError(`volumeMounts: no volume named ${m.name}`);
    if (!volume.emptyDir)
      throw new ContainerConfigError(`volume ${m.name}: the process kubelet plays emptyDir volumes only`);
    const hostPath = join(podDir, "volumes", m.name);
    mkdirSync(hostPath, { recursive: true });
    return [{ mountPath: m.mountPath.replace(/\/+$/, ""), hostPath }];
  });
}

/** `value` with a leading path under a mount rewritten to its folder; anything else as it is. */
export function translatePath(value: string, mounts: readonly Mount[]): string {
  for (const m of mounts) {
    if (value === m.mountPath) return m.hostPath;
    if (value.startsWith(`${m.mountPath}/`)) return m.hostPath + value.slice(m.mountPath.length);
  }
  return value;
}
