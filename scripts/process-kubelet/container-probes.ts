import type { ContainerRecord } from "./pod-status";
import { ProbeLoop, type ProbeTarget } from "./probes";

/**
 * A running container's probes, as the kubelet wires them: the startup probe first (the container
 * is `started` once it succeeds), then readiness (`ready`) and liveness. A liveness failure, or a
 * startup probe that has not succeeded within its failureThreshold tries, calls `unhealthy`.
 */
export function startContainerProbes(
  c: ContainerRecord,
  target: ProbeTarget,
  on: { changed: () => void; unhealthy: (gracePeriodSeconds?: number) => void },
): void {
  const { readinessProbe, livenessProbe, startupProbe } = c.spec;
  const afterStartup = () => {
    c.started = true;
    c.ready = !readinessProbe;
    if (readinessProbe)
      c.probes.push(
        new ProbeLoop(readinessProbe, target, false, (ok) => {
          c.ready = ok;
          on.changed();
        }),
      );
    if (livenessProbe)
      c.probes.push(
        new ProbeLoop(livenessProbe, target, true, (ok) => {
          if (!ok) on.unhealthy(livenessProbe.terminationGracePeriodSeconds);
        }),
      );
  };
  if (!startupProbe) {
    afterStartup();
    return;
  }
  const startup = new ProbeLoop(startupProbe, target, false, (ok) => {
    if (!ok || c.started) return;
    startup.stop();
    afterStartup();
    on.changed();
  });
  c.probes.push(startup);
  const limitSeconds =
    (startupProbe.initialDelaySeconds ?? 0) +
    (startupProbe.periodSeconds ?? 10) * (startupProbe.failureThreshold ?? 3);
  const timer = setTimeout(() => {
    if (!c.started) on.unhealthy(startupProbe.terminationGracePeriodSeconds);
  }, limitSeconds * 1000);
  void c.proc?.exited.then(() => clearTimeout(timer));
}

/** SIGTERM to the container's process group, SIGKILL after the grace period; its restart policy decides the rest. */
export function stopContainer(c: ContainerRecord, gracePeriodSeconds: number): void {
  const proc = c.proc;
  if (!proc || proc.ended) return;
  proc.signal("SIGTERM");
  const timer = setTimeout(() => proc.signal("SIGKILL"), gracePeriodSeconds * 1000);
  void proc.exited.then(() => clearTimeout(timer));
}
