import type { V1Container, V1Pod } from "@kubernetes/client-node";
import type { ContainerProcess } from "./container-process";
import type { ProbeLoop } from "./probes";
import { kubeTime } from "./times";

/** A container state as written on the wire (times as RFC 3339 text). */
export interface ContainerState {
  waiting?: { reason: string; message?: string };
  running?: { startedAt: string };
  terminated?: {
    exitCode: number;
    signal?: number;
    reason: string;
    message?: string;
    startedAt: string;
    finishedAt: string;
    containerID: string;
  };
}

/** What the kubelet knows of one container of a pod (times as text, as they go on the wire). */
export interface ContainerRecord {
  spec: V1Container;
  init: boolean;
  restartCount: number;
  state: ContainerState;
  lastState?: ContainerState;
  ready: boolean;
  started: boolean;
  proc?: ContainerProcess;
  /** The output file of the run before this one, for `previous=true`. */
  previousLogPath?: string;
  probes: ProbeLoop[];
}

export type PodPhase = "Pending" | "Running" | "Succeeded" | "Failed";

export interface PodFacts {
  pod: V1Pod;
  phase: PodPhase;
  initialized: boolean;
  podIP: string;
  hostIP: string;
  startTime: string;
  inits: ContainerRecord[];
  containers: ContainerRecord[];
}

const waiting = (reason: string, message?: string): ContainerState => ({ waiting: { reason, message } });
export const initialState = (init: boolean, hasInits: boolean) =>
  waiting(!init && hasInits ? "PodInitializing" : "ContainerCreating");

const containerStatus = (c: ContainerRecord) => ({
  name: c.spec.name,
  image: c.spec.image ?? "",
  imageID: "",
  ...(c.proc ? { containerID: `process://${c.proc.pid}` } : {}),
  state: c.state,
  lastState: c.lastState ?? {},
  ready: c.ready,
  started: c.started,
  restartCount: c.restartCount,
});

/**
 * Remembers when each condition last changed, so that a status written again keeps its
 * lastTransitionTime, as the kubelet's does.
 */
export class ConditionClock {
  private readonly seen = new Map<string, { status: string; at: string }>();

  condition(type: string, ok: boolean, reason?: string, message?: string) {
    const status = ok ? "True" : "False";
    const before = this.seen.get(type);
    const at = before?.status === status ? before.at : kubeTime();
    this.seen.set(type, { status, at });
    return {
      type,
      status,
      lastProbeTime: null,
      lastTransitionTime: at,
      ...(reason ? { reason } : {}),
      ...(message ? { message } : {}),
    };
  }
}

/** The body of a strategic merge patch of pods/status; metadata.uid makes it fail for another pod of the same name. */
export function statusPatch(f: PodFacts, clock: ConditionClock) {
  const terminal = f.phase === "Succeeded" || f.phase === "Failed";
  const notInit = f.inits.filter((c) => !(c.state.terminated?.exitCode === 0)).map((c) => c.spec.name);
  const unready = f.containers.filter((c) => !c.ready).map((c) => c.spec.name);
  const gates = (f.pod.spec?.readinessGates ?? []).map((g) => g.conditionType);
  const gatesOk = gates.every((t) =>
    f.pod.status?.conditions?.some((c) => c.type === t && c.status === "True"),
  );
  const containersReady = !terminal && unready.length === 0;
  const notReadyReason = terminal ? "PodCompleted" : "ContainersNotReady";
  const notReadyMessage = terminal ? undefined : `containers with unready status: [${unready.join(" ")}]`;
  const conditions = [
    clock.condition("PodReadyToStartContainers", !terminal),
    f.initialized
      ? clock.condition("Initialized", true, terminal ? "PodCompleted" : undefined)
      : clock.condition(
          "Initialized",
          false,
          "ContainersNotInitialized",
          `containers with incomplete status: [${notInit.join(" ")}]`,
        ),
    containersReady
      ? clock.condition("ContainersReady", true)
      : clock.condition("ContainersReady", false, notReadyReason, notReadyMessage),
    containersReady && gatesOk
      ? clock.condition("Ready", true)
      : clock.condition(
          "Ready",
          false,
          containersReady ? "ReadinessGatesNotReady" : notReadyReason,
          notReadyMessage,
        ),
  ];
  // A pod bound by spec.nodeName never met the scheduler; the kubelet says it is scheduled.
  if (!f.pod.status?.conditions?.some((c) => c.type === "PodScheduled"))
    conditions.push(clock.condition("PodScheduled", true));
  return {
    metadata: { uid: f.pod.metadata!.uid },
    status: {
      phase: f.phase,
      conditions,
      hostIP: f.hostIP,
      hostIPs: [{ ip: f.hostIP }],
      podIP: f.podIP,
      podIPs: [{ ip: f.podIP }],
      startTime: f.startTime,
      ...(f.inits.length ? { initContainerStatuses: f.inits.map(containerStatus) } : {}),
      containerStatuses: f.containers.map(containerStatus),
    },
  };
}

export { waiting };
