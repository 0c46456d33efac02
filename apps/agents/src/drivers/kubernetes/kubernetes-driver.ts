import { resolve } from "node:path";
import type { V1Pod, V1Secret } from "@kubernetes/client-node";
import { resolveComponentEntry } from "../component-entry";
import {
  type Driver,
  DriverClosedError,
  type JobSpec,
  type Workload,
  type WorkloadOwner,
  type WorkloadSpec,
} from "../driver";
import { type KubeApi, kubeMessage, statusOf } from "./kube-api";
import { ObjectCache } from "./object-cache";
import { PodLogs } from "./pod-logs";
import {
  commandOf,
  LABELS_ANNOTATION,
  labelsOf,
  ownerNameOf,
  ownerObjectOf,
  ownerReferenceOf,
  type PodSettings,
  podNameOf,
  podOf,
  programInImage,
  selectorOf,
  tokenSecretNameOf,
  tokenSecretOf,
  tokensOf,
  WORKLOAD_ANNOTATION,
} from "./pod-spec";
import { type PodState, podStateOf } from "./pod-status";

type Exit = { code: number | null; signal: string | null };

export interface KubernetesDriver extends Driver {
  /** Watches started again since the driver started (a server's timeout, a stall, a failure). */
  reconnects(): number;
  /** Why a workload's pod is not running, in Kubernetes' words (CrashLoopBackOff, ImagePullBackOff, Unschedulable); null when it runs. */
  problemOf(name: string): string | null;
  /** Stops watching (the pods go on running). */
  dispose(): void;
}

export interface KubernetesDriverOptions extends PodSettings {
  api: KubeApi;
  /** How long a pod may take to become Ready before the start fails (it is then removed). */
  startTimeoutMs?: number;
  /** The watches' server-side timeout (60 s) and how long one may hear nothing before it counts as stalled (75 s). */
  watch?: { timeoutSeconds?: number; stallMs?: number };
  onError?: (message: string) => void;
}

/**
 * Runs workloads as pods of a Kubernetes cluster, one pod per workload, bound to this agent's node
 * (see pod-spec.ts for what a pod holds). Pods and their token Secrets are kept in memory by a list
 * + watch each (object-cache.ts), so `list` and `adopt` answer from memory, as the Driver contract
 * wants, and a restarted agent adopts the pods still running. Names are deterministic: a create
 * that meets a pod of the same name (a retried start) replaces it instead of making a second.
 */
export function createKubernetesDriver(opts: KubernetesDriverOptions): KubernetesDriver {
  const { api, namespace } = opts;
  const selector = selectorOf(opts);
  const cacheOpts = {
    labelSelector: selector,
    ...(opts.onError ? { onError: opts.onError } : {}),
    ...(opts.watch?.timeoutSeconds ? { watchTimeoutSeconds: opts.watch.timeoutSeconds } : {}),
    ...(opts.watch?.stallMs ? { stallMs: opts.watch.stallMs } : {}),
  };
  const pods = new ObjectCache<V1Pod>(api, {
    ...cacheOpts,
    path: `/api/v1/namespaces/${namespace}/pods`,
    list: (q) => api.core.listNamespacedPod({ namespace, ...q }),
  });
  const secrets = new ObjectCache<V1Secret>(api, {
    ...cacheOpts,
    path: `/api/v1/namespaces/${namespace}/secrets`,
    list: (q) => api.core.listNamespacedSecret({ namespace, ...q }),
  });
  // The first lists, again after a backoff until the API server answers.
  const synced = (async () => {
    for (let wait = 500; ; wait = Math.min(wait * 2, 15_000)) {
      try {
        await Promise.all([pods.whenStarted(), secrets.whenStarted()]);
        return;
      } catch (err) {
        opts.onError?.(`the pods of node ${opts.nodeName} could not be listed: ${kubeMessage(err)}`);
        await new Promise((r) => setTimeout(r, wait));
      }
    }
  })();
  const startTimeoutMs = opts.startTimeoutMs ?? 120_000;
  let closed = false;

  const stateOf = (pod: string): PodState | null => {
    const p = pods.get(pod);
    return p ? podStateOf(p) : null;
  };

  /** Resolves when `test` holds for the pod's state (null: the pod is gone), or after `ms`. */
  const until = (pod: string, test: (s: PodState | null) => boolean, ms: number): Promise<boolean> =>
    new Promise((done) => {
      if (test(stateOf(pod))) return done(true);
      const timer = setTimeout(() => {
        off();
        done(false);
      }, ms);
      const off = pods.on((_event, obj) => {
        if (obj.metadata?.name !== pod) return;
        if (test(stateOf(pod))) {
          clearTimeout(timer);
          off();
          done(true);
        }
      });
    });

  const exitedOf = (pod: string): Promise<Exit> =>
    new Promise((done) => {
      let last: Exit | null = null;
      const check = () => {
        const s = stateOf(pod);
        if (s?.exited) last = s.exited;
        if (s === null || s.exited) {
          off();
          done(last ?? { code: null, signal: null });
          return true;
        }
        return false;
      };
      const off = pods.on((_e, obj) => {
        if (obj.metadata?.name === pod) check();
      });
      check();
    });

  async function remove(pod: string, graceSeconds = 10): Promise<void> {
    try {
      await api.core.deleteNamespacedPod({ name: pod, namespace, gracePeriodSeconds: graceSeconds });
    } catch (err) {
      if (statusOf(err) !== 404) throw new Error(`could not remove pod ${pod}: ${kubeMessage(err)}`);
    }
    await until(pod, (s) => s === null, (graceSeconds + 30) * 1000);
    await removeSecret(pod);
  }

  async function removeSecret(pod: string): Promise<void> {
    try {
      await api.core.deleteNamespacedSecret({ name: tokenSecretNameOf(pod), namespace });
    } catch (err) {
      if (statusOf(err) !== 404) opts.onError?.(`could not remove the tokens of ${pod}: ${kubeMessage(err)}`);
    }
  }

  function workloadOf(name: string, pod: string, p: V1Pod, logs: PodLogs): Workload {
    const tokens = tokensOf(secrets.get(tokenSecretNameOf(pod)));
    const exited = exitedOf(pod);
    logs.follow(() => stateOf(pod)?.exited === null);
    void exited.then(() => setTimeout(() => logs.stop(), 1000).unref());
    return {
      name,
      labels: labelsFrom(p),
      endpoint: `http://${p.status?.podIP}:${opts.port}`,
      pid: null,
      controlToken: tokens.controlToken,
      dataToken: tokens.dataToken,
      exited,
      logs: (limit = 200) => logs.tail(limit),
      async stop() {
        await remove(pod);
        logs.stop();
      },
    };
  }

  async function createPod(pod: string, body: V1Pod): Promise<V1Pod> {
    try {
      return await api.core.createNamespacedPod({ namespace, body });
    } catch (err) {
      if (statusOf(err) !== 409) throw new Error(`could not create pod ${pod}: ${kubeMessage(err)}`);
    }
    // A pod of this name is left from an earlier start (or a retried create made it): replace it.
    await remove(pod, 0);
    return api.core.createNamespacedPod({ namespace, body });
  }

  async function putSecret(secret: V1Secret): Promise<void> {
    const name = secret.metadata?.name as string;
    try {
      secrets.put(await api.core.createNamespacedSecret({ namespace, body: secret }));
    } catch (err) {
      if (statusOf(err) !== 409) throw new Error(`could not store the tokens ${name}: ${kubeMessage(err)}`);
      secrets.put(await api.core.replaceNamespacedSecret({ name, namespace, body: secret }));
    }
  }

  /** The pod owns its Secret: removing the pod (by anyone) lets the garbage collector remove the tokens. */
  async function ownSecret(pod: V1Pod): Promise<void> {
    const name = tokenSecretNameOf(pod.metadata?.name as string);
    const ownerReferences = [
      ownerReferenceOf("Pod", pod.metadata?.name as string, pod.metadata?.uid as string),
    ];
    const current = await api.core.readNamespacedSecret({ name, namespace });
    current.metadata = { ...current.metadata, ownerReferences };
    secrets.put(await api.core.replaceNamespacedSecret({ name, namespace, body: current }));
  }

  /**
   * The owner object of a block or vDAG (made by the first of its workloads, on any node): its
   * reference. Read at every start, never kept: another node's agent may have released it since,
   * and a pod naming an owner that is gone would be collected at once.
   */
  async function ownerOf(owner: WorkloadOwner | undefined) {
    if (!owner) return [];
    const name = ownerNameOf(owner);
    let uid: string | undefined;
    try {
      uid = (await api.core.createNamespacedConfigMap({ namespace, body: ownerObjectOf(opts, owner) }))
        .metadata?.uid;
    } catch (err) {
      if (statusOf(err) !== 409) throw new Error(`could not create ${name}: ${kubeMessage(err)}`);
      uid = (await api.core.readNamespacedConfigMap({ name, namespace })).metadata?.uid;
    }
    if (!uid) throw new Error(`${name} has no uid`);
    return [ownerReferenceOf("ConfigMap", name, uid)];
  }

  return {
    name: "kubernetes",

    async release(owner) {
      const name = ownerNameOf(owner);
      try {
        await api.core.deleteNamespacedConfigMap({ name, namespace, propagationPolicy: "Background" });
      } catch (err) {
        if (statusOf(err) !== 404) throw new Error(`could not remove ${name}: ${kubeMessage(err)}`);
      }
    },

    ready: () => synced,

    async start(spec: WorkloadSpec): Promise<Workload> {
      if (closed) throw new DriverClosedError(spec.name);
      await synced;
      // A component of its own image runs that image's entrypoint; any other, a program of the AIOS image.
      const program = spec.image
        ? null
        : programInImage(
            opts,
            spec.kind === "instance"
              ? resolveComponentEntry(opts.repoRoot, spec.entry)
              : resolve(opts.repoRoot, spec.entry),
          );
      const pod = podNameOf(spec.name);
      const body = podOf(opts, spec, program, pod, await ownerOf(spec.owner));
      const secret = tokenSecretOf(opts, spec, pod);
      if (secret) await putSecret(secret);
      const created = await createPod(pod, body);
      pods.put(created);
      if (secret) await ownSecret(created);
      const logs = new PodLogs(api, namespace, pod);
      // Settled: Ready, ended, gone, or stuck where waiting will not help (an image that cannot be
      // pulled, a configuration error): the agent tries again later, the reason on the block.
      const settled = await until(
        pod,
        (s) => s === null || s.ready || s.exited !== null || s.stuck,
        startTimeoutMs,
      );
      const state = stateOf(pod);
      if (!settled || !state?.ready) {
        const lines = await logs.fetchTail(5);
        const why = state?.exited
          ? `exited while starting (${state.exited.code ?? state.exited.signal})`
          : state === null
            ? "was removed while starting"
            : state.stuck
              ? `cannot start (${state.problem})`
              : `was not ready within ${startTimeoutMs / 1000} s${state.problem ? ` (${state.problem})` : ""}`;
        await remove(pod, 0).catch(() => undefined);
        throw new Error(`${spec.name} ${why}: ${lines.join(" | ")}`);
      }
      const workload = workloadOf(spec.name, pod, pods.get(pod) as V1Pod, logs);
      // What it printed while starting ("listening on …") is in `logs()` when start returns.
      await logs.caughtUp(1000);
      if (closed) {
        await workload.stop();
        throw new DriverClosedError(spec.name);
      }
      return workload;
    },

    async runJob(spec: JobSpec): Promise<{ code: number | null }> {
      if (closed) throw new DriverClosedError(spec.name);
      await synced;
      const program = resolveComponentEntry(opts.repoRoot, spec.entry, "runtime.init.entry");
      const pod = podNameOf(spec.name);
      const body = podOf(
        opts,
        { name: spec.name, kind: "instance", entry: spec.entry, env: spec.env, gpus: [] },
        programInImage(opts, program),
        pod,
      );
      const container = body.spec?.containers[0];
      if (container) {
        container.command = commandOf(programInImage(opts, program));
        delete container.readinessProbe;
        delete container.livenessProbe;
        delete container.ports;
      }
      body.metadata = { ...body.metadata, labels: labelsOf(opts, "job") };
      pods.put(await createPod(pod, body));
      const logs = new PodLogs(api, namespace, pod, spec.onLine, true);
      logs.follow(() => stateOf(pod)?.exited === null);
      try {
        const ended = await until(pod, (s) => s === null || s.exited !== null, spec.timeoutMs);
        if (!ended) throw new Error(`${spec.name} did not finish within ${spec.timeoutMs} ms`);
        const exit = stateOf(pod)?.exited;
        // Every line, also those the stream had not brought (the job may have ended before it began).
        await logs.finish();
        return { code: exit ? exit.code : null };
      } finally {
        logs.stop();
        await remove(pod, 0).catch(() => undefined);
      }
    },

    close() {
      closed = true;
    },

    list: () =>
      pods
        .values()
        .filter((p) => p.metadata?.labels?.["app.kubernetes.io/component"] !== "job")
        .map((p) => p.metadata?.annotations?.[WORKLOAD_ANNOTATION] ?? (p.metadata?.name as string)),

    adopt(name: string): Workload | null {
      const pod = podNameOf(name);
      const p = pods.get(pod);
      if (!p || p.metadata?.deletionTimestamp) return null;
      const state = podStateOf(p);
      if (state.exited || !state.podIP) {
        void remove(pod, 0).catch(() => undefined);
        return null;
      }
      return workloadOf(name, pod, p, new PodLogs(api, namespace, pod));
    },

    reconnects: () => pods.reconnects + secrets.reconnects,

    problemOf(name: string) {
      const p = pods.get(podNameOf(name));
      return p ? podStateOf(p).problem : null;
    },

    dispose() {
      pods.stop();
      secrets.stop();
    },
  };
}

function labelsFrom(p: V1Pod): { [key: string]: string } {
  try {
    const parsed = JSON.parse(p.metadata?.annotations?.[LABELS_ANNOTATION] ?? "{}") as unknown;
    return parsed && typeof parsed === "object" ? (parsed as { [key: string]: string }) : {};
  } catch {
    return {};
  }
}
