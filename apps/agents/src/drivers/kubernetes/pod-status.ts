import { constants } from "node:os";
import type { V1Pod } from "@kubernetes/client-node";
import { type CompanionEnd, companionStateOf } from "./companion-status";
import { CONTAINER } from "./pod-spec";
import { FETCH_CONTAINER } from "./pushed-code";

/** Waiting reasons a pod reports while it does not run. */
const WAITING = new Set([
  "CrashLoopBackOff",
  "ImagePullBackOff",
  "ErrImagePull",
  "InvalidImageName",
  "CreateContainerConfigError",
  "CreateContainerError",
  "RunContainerError",
]);
/**
 * Those that waiting will not mend soon: a start stops waiting for the pod (and is tried again
 * later). CrashLoopBackOff: the kubelet restarted a pod's container (restartPolicy Always) and it
 * failed again.
 */
const STUCK = new Set([
  "ImagePullBackOff",
  "ErrImagePull",
  "InvalidImageName",
  "CreateContainerConfigError",
  "CrashLoopBackOff",
]);

export interface PodState {
  /** Running, and its container passes its readiness probe. */
  ready: boolean;
  /** Its container has ended (a pod of restartPolicy Never does not come back). */
  exited: { code: number | null; signal: string | null } | null;
  /** Why it is not running, in Kubernetes' words: `ImagePullBackOff: …`, `Unschedulable: …`. */
  problem: string | null;
  /** The problem is one that waiting will not mend soon (an image that cannot be pulled, a missing Secret). */
  stuck: boolean;
  /** Its address, once it has one. */
  podIP: string | null;
  /** How often the kubelet restarted its container (restartPolicy Always), and how it last ended. */
  restarts: number;
  lastExit: { code: number | null; signal: string | null } | null;
  /** An init container of the instance's that failed, or a side-car that ended: the instance fails with it. */
  companionEnd: CompanionEnd | null;
  /** How often the kubelet restarted the instance's side-cars (each restart ends the instance). */
  sidecarRestarts: number;
}

/** What a pod's status says about the workload in it. */
export function podStateOf(pod: V1Pod): PodState {
  const status = pod.status ?? {};
  const container =
    status.containerStatuses?.find((c) => c.name === CONTAINER) ?? status.containerStatuses?.[0];
  const terminated = container?.state?.terminated;
  const phaseEnded = status.phase === "Succeeded" || status.phase === "Failed";
  let exited: PodState["exited"] = null;
  if (terminated) exited = exitOf(terminated.exitCode, terminated.signal);
  else if (phaseEnded) exited = { code: status.phase === "Succeeded" ? 0 : null, signal: null };
  const ready =
    exited === null &&
    status.phase === "Running" &&
    (status.conditions ?? []).some((c) => c.type === "Ready" && c.status === "True");
  const companions = companionStateOf(pod, exitOf);
  const end = companions.end;
  const problem = end ? `${end.kind} ${end.container} exited (${end.code ?? end.signal})` : problemOf(pod);
  const stuck = end !== null || (problem !== null && STUCK.has(problem.split(":")[0] ?? ""));
  const last = container?.lastState?.terminated;
  return {
    ready,
    exited,
    problem,
    stuck,
    podIP: status.podIP ?? null,
    restarts: container?.restartCount ?? 0,
    lastExit: last ? exitOf(last.exitCode, last.signal) : null,
    companionEnd: end,
    sidecarRestarts: companions.sidecarRestarts,
  };
}

function problemOf(pod: V1Pod): string | null {
  const status = pod.status ?? {};
  for (const c of [...(status.initContainerStatuses ?? []), ...(status.containerStatuses ?? [])]) {
    const waiting = c.state?.waiting;
    if (waiting?.reason && WAITING.has(waiting.reason))
      return `${waiting.reason}${waiting.message ? `: ${waiting.message}` : ""}${companionOf(c.name)}`;
  }
  const unscheduled = status.conditions?.find((c) => c.type === "PodScheduled" && c.status === "False");
  if (unscheduled?.reason)
    return `${unscheduled.reason}${unscheduled.message ? `: ${unscheduled.message}` : ""}`;
  if (status.phase === "Failed" && status.reason)
    return `${status.reason}${status.message ? `: ${status.message}` : ""}`;
  return null;
}

/** ` (of <name>)` for a container of an instance's companions: the problem names it. */
const companionOf = (name: string) => (name === CONTAINER || name === FETCH_CONTAINER ? "" : ` (of ${name})`);

/** An exit code over 128 is the signal the process died of (a container runtime reports it so). */
function exitOf(code: number, signal?: number): { code: number | null; signal: string | null } {
  const number = signal ?? (code > 128 ? code - 128 : 0);
  if (number > 0) {
    const name = Object.entries(constants.signals).find(([, n]) => n === number)?.[0];
    if (name) return { code: null, signal: name };
  }
  return { code, signal: null };
}
