import type { V1EnvVar, V1Job, V1Secret } from "@kubernetes/client-node";
import type { JobSpec } from "../driver";
import { commandOf, labelsOf, type PodSettings, podOf, WORKLOAD_ANNOTATION } from "./pod-spec";

/** The Secret of a job's `secretEnv`: `<job>-env`, owned by the Job. */
export const jobSecretNameOf = (job: string) => `${job}-env`;

/**
 * A program run to completion (a component's init step, a policy job) as a Kubernetes Job: one
 * pod, never retried (`backoffLimit` 0: the agent decides what happens next), bound to this agent's
 * node like a workload's pod but with no port and no probes, stopped by Kubernetes past the job's
 * timeout (`activeDeadlineSeconds`), and collected a while after it finished
 * (`ttlSecondsAfterFinished`) when the agent did not remove it. `program`: its path in the image.
 */
export function jobOf(s: PodSettings, spec: JobSpec, program: string, name: string): V1Job {
  const pod = podOf(
    s,
    { name: spec.name, kind: "instance", entry: spec.entry, env: spec.env, gpus: [] },
    program,
    name,
  );
  const container = pod.spec?.containers[0];
  if (container) {
    container.command = commandOf(program);
    delete container.readinessProbe;
    delete container.livenessProbe;
    delete container.ports;
    const secret = jobSecretNameOf(name);
    const kept: V1EnvVar[] = Object.keys(spec.secretEnv ?? {}).map((key) => ({
      name: key,
      valueFrom: { secretKeyRef: { name: secret, key } },
    }));
    container.env = [...(container.env ?? []), ...kept];
  }
  const labels = labelsOf(s, "job");
  const annotations = { [WORKLOAD_ANNOTATION]: spec.name };
  return {
    apiVersion: "batch/v1",
    kind: "Job",
    metadata: { name, namespace: s.namespace, labels, annotations },
    spec: {
      backoffLimit: 0,
      activeDeadlineSeconds: Math.max(1, Math.ceil(spec.timeoutMs / 1000)),
      ttlSecondsAfterFinished: 600,
      template: {
        metadata: { labels, annotations },
        spec: { ...pod.spec, containers: pod.spec?.containers ?? [], restartPolicy: "Never" },
      },
    },
  };
}

/** The Secret of the job's `secretEnv`, or null without one. */
export function jobSecretOf(s: PodSettings, spec: JobSpec, name: string): V1Secret | null {
  if (!spec.secretEnv || Object.keys(spec.secretEnv).length === 0) return null;
  return {
    apiVersion: "v1",
    kind: "Secret",
    metadata: {
      name: jobSecretNameOf(name),
      namespace: s.namespace,
      labels: labelsOf(s, "job"),
      annotations: { [WORKLOAD_ANNOTATION]: spec.name },
    },
    type: "Opaque",
    stringData: spec.secretEnv,
  };
}
