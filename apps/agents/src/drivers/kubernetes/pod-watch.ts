import type { V1Pod } from "@kubernetes/client-node";
import { WORKLOAD_LABEL } from "./deployment-spec";
import type { ObjectCache } from "./object-cache";
import { type PodState, podStateOf } from "./pod-status";

type Exit = { code: number | null; signal: string | null; sidecar?: string };

/** Waits on the pods the driver's list + watch keeps (object-cache.ts): their states, as they change. */
export class PodWatch {
  constructor(private readonly pods: ObjectCache<V1Pod>) {}

  stateOf(pod: string): PodState | null {
    const p = this.pods.get(pod);
    return p ? podStateOf(p) : null;
  }

  /** Resolves true when `test` holds (looked at again on every pod event), or false after `ms`. */
  until(test: () => boolean, ms: number): Promise<boolean> {
    return new Promise((done) => {
      if (test()) return done(true);
      const timer = setTimeout(() => {
        off();
        done(false);
      }, ms);
      const off = this.pods.on(() => {
        if (test()) {
          clearTimeout(timer);
          off();
          done(true);
        }
      });
    });
  }

  /** The pods of a runtime's Deployment here, newest first (none being deleted). */
  ofDeployment(name: string): V1Pod[] {
    return this.pods
      .values()
      .filter((p) => p.metadata?.labels?.[WORKLOAD_LABEL] === name && !p.metadata?.deletionTimestamp)
      .sort((a, b) => stamp(b) - stamp(a));
  }

  /** The pods of a Job here, newest first; with `deleting`, also those being deleted. */
  ofJob(name: string, deleting = false): V1Pod[] {
    return this.pods
      .values()
      .filter(
        (p) =>
          (p.metadata?.labels?.["batch.kubernetes.io/job-name"] ?? p.metadata?.labels?.["job-name"]) ===
            name &&
          (deleting || !p.metadata?.deletionTimestamp),
      )
      .sort((a, b) => stamp(b) - stamp(a));
  }

  /** No pod of a runtime's Deployment is left here, also none being deleted. */
  noneOfDeployment(name: string): boolean {
    return !this.pods.values().some((p) => p.metadata?.labels?.[WORKLOAD_LABEL] === name);
  }

  /**
   * Settles when the pod's workload ended: the pod is gone, its container ended, or the kubelet
   * restarted it in place (what it held, such as the instances an executor was told of, is lost:
   * the agent starts it again), or one of its side-cars ended or was restarted (an instance and its
   * side-cars live and start again together).
   */
  exited(pod: string): Promise<Exit> {
    return new Promise((done) => {
      const restarts = this.stateOf(pod)?.restarts ?? 0;
      const sidecarRestarts = this.stateOf(pod)?.sidecarRestarts ?? 0;
      let last: Exit | null = null;
      const check = () => {
        const s = this.stateOf(pod);
        const sidecar = s?.companionEnd?.kind === "side-car" ? s.companionEnd : null;
        if (s?.exited) last = s.exited;
        else if (s && s.restarts > restarts) last = s.lastExit;
        else if (sidecar && (sidecar.now || (s?.sidecarRestarts ?? 0) > sidecarRestarts))
          last = { code: sidecar.code, signal: sidecar.signal, sidecar: sidecar.container };
        if (s === null || last !== null) {
          off();
          done(last ?? { code: null, signal: null });
        }
      };
      const off = this.pods.on((_e, obj) => {
        if (obj.metadata?.name === pod) check();
      });
      check();
    });
  }
}

/** When the object was made (ms), for newest-first orders. */
const stamp = (p: V1Pod) => new Date(p.metadata?.creationTimestamp ?? 0).getTime();
