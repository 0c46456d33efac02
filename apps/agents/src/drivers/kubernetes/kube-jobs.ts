import type { V1Job, V1Secret } from "@kubernetes/client-node";
import type { JobSpec } from "../driver";
import { jobOf, jobSecretNameOf, jobSecretOf } from "./job-spec";
import { type KubeApi, kubeMessage, statusOf } from "./kube-api";
import { PodLogs } from "./pod-logs";
import { type PodSettings, podNameOf } from "./pod-spec";
import type { PodWatch } from "./pod-watch";

/**
 * Runs a program to completion as a Kubernetes Job (job-spec.ts) and gives its exit code; every line
 * it prints goes to `spec.onLine` as it prints it (also those printed before the log stream began).
 * The Job, its pod and its Secret are removed once it ended; a Job of the same name left from an
 * earlier run is removed first.
 */
export async function runKubeJob(
  api: KubeApi,
  s: PodSettings,
  watch: PodWatch,
  spec: JobSpec,
  program: string,
): Promise<{ code: number | null }> {
  const { namespace } = s;
  const name = podNameOf(spec.name);
  const secret = jobSecretOf(s, spec, name);
  if (secret) await putSecret(api, namespace, secret);
  let job: V1Job;
  try {
    job = await createJob(api, watch, namespace, jobOf(s, spec, program, name));
    if (secret) await ownSecret(api, namespace, jobSecretNameOf(name), job);
  } catch (err) {
    if (secret) await deleteSecret(api, namespace, jobSecretNameOf(name));
    throw err;
  }
  let logs: PodLogs | undefined;
  try {
    const podOf = () => watch.ofJob(name)[0]?.metadata?.name;
    if (!(await watch.until(() => podOf() !== undefined, spec.timeoutMs)))
      throw new Error(`${spec.name}: job ${name} made no pod within ${spec.timeoutMs} ms`);
    const pod = podOf() as string;
    const started = new PodLogs(api, namespace, pod, spec.onLine, true);
    logs = started;
    started.follow(() => watch.stateOf(pod)?.exited === null);
    const ended = await watch.until(() => {
      const st = watch.stateOf(pod);
      return st === null || st.exited !== null;
    }, spec.timeoutMs);
    if (!ended) throw new Error(`${spec.name} did not finish within ${spec.timeoutMs} ms`);
    const exit = watch.stateOf(pod)?.exited;
    await started.finish();
    return { code: exit ? exit.code : null };
  } finally {
    logs?.stop();
    await deleteJob(api, namespace, name).catch(() => undefined);
    await watch.until(() => watch.ofJob(name, true).length === 0, 30_000);
  }
}

/** The Job, made anew when one of its name is left (its pod and Secret go with it). */
async function createJob(api: KubeApi, watch: PodWatch, namespace: string, body: V1Job): Promise<V1Job> {
  const name = body.metadata?.name as string;
  for (let attempt = 0; attempt < 100; attempt++) {
    try {
      return await api.batch.createNamespacedJob({ namespace, body });
    } catch (err) {
      if (statusOf(err) !== 409) throw new Error(`could not create job ${name}: ${kubeMessage(err)}`);
    }
    await deleteJob(api, namespace, name);
    await watch.until(() => watch.ofJob(name, true).length === 0, 30_000);
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`job ${name} could not be made: one of its name was still being removed after 20 s`);
}

async function deleteJob(api: KubeApi, namespace: string, name: string): Promise<void> {
  try {
    await api.batch.deleteNamespacedJob({ name, namespace, propagationPolicy: "Background" });
  } catch (err) {
    if (statusOf(err) !== 404) throw new Error(`could not remove job ${name}: ${kubeMessage(err)}`);
  }
}

async function putSecret(api: KubeApi, namespace: string, secret: V1Secret): Promise<void> {
  const name = secret.metadata?.name as string;
  try {
    await api.core.createNamespacedSecret({ namespace, body: secret });
  } catch (err) {
    if (statusOf(err) !== 409) throw new Error(`could not store ${name}: ${kubeMessage(err)}`);
    await api.core.replaceNamespacedSecret({ name, namespace, body: secret });
  }
}

/** The Job owns its Secret: whoever removes the Job (its TTL, too) removes the Secret with it. */
async function ownSecret(api: KubeApi, namespace: string, name: string, job: V1Job): Promise<void> {
  const current = await api.core.readNamespacedSecret({ name, namespace });
  current.metadata = {
    ...current.metadata,
    ownerReferences: [
      {
        apiVersion: "batch/v1",
        kind: "Job",
        name: job.metadata?.name as string,
        uid: job.metadata?.uid as string,
      },
    ],
  };
  await api.core.replaceNamespacedSecret({ name, namespace, body: current });
}

async function deleteSecret(api: KubeApi, namespace: string, name: string): Promise<void> {
  await api.core.deleteNamespacedSecret({ name, namespace }).catch(() => undefined);
}
