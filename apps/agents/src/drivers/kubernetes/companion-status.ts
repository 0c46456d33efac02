import type { V1ContainerStatus, V1Pod } from "@kubernetes/client-node";
import { CONTAINER } from "./pod-spec";
import { FETCH_CONTAINER } from "./pushed-code";

type Exit = { code: number | null; signal: string | null };

/** An instance's init container that failed, or a side-car that ended: the instance fails with it. */
export interface CompanionEnd extends Exit {
  container: string;
  kind: "init container" | "side-car";
  /** It ends now (not only in its last state, before the kubelet restarted it). */
  now: boolean;
}

/**
 * What the pod's status says of the instance's companions (companion-containers.ts): the first
 * init container that exited other than 0 (the kubelet would retry it: the instance's start fails
 * at once instead, naming it), else the first side-car that ended or was restarted; and how often
 * the side-cars were restarted. The pushed-code fetch container is the platform's, not a companion.
 */
export function companionStateOf(
  pod: V1Pod,
  exitOf: (code: number, signal?: number) => Exit,
): { end: CompanionEnd | null; sidecarRestarts: number } {
  const status = pod.status ?? {};
  const endOf = (c: V1ContainerStatus, kind: CompanionEnd["kind"], failedOnly: boolean) => {
    const ended = c.state?.terminated;
    const before = c.lastState?.terminated;
    const seen = ended ?? before;
    if (!seen || (failedOnly && seen.exitCode === 0)) return null;
    return { ...exitOf(seen.exitCode, seen.signal), container: c.name, kind, now: ended !== undefined };
  };
  const inits = (status.initContainerStatuses ?? []).filter((c) => c.name !== FETCH_CONTAINER);
  const sidecars = (status.containerStatuses ?? []).filter((c) => c.name !== CONTAINER);
  let end: CompanionEnd | null = null;
  for (const c of inits) end ??= endOf(c, "init container", true);
  for (const c of sidecars) end ??= endOf(c, "side-car", false);
  return { end, sidecarRestarts: sidecars.reduce((n, c) => n + (c.restartCount ?? 0), 0) };
}
