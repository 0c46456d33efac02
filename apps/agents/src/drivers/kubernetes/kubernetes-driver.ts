import { resolve } from "node:path";
import type { V1OwnerReference, V1Pod, V1Secret } from "@kubernetes/client-node";
import { resolveComponentEntry } from "../component-entry";
import { type Driver, DriverClosedError, type JobSpec, type Workload, type WorkloadSpec } from "../driver";
import { companionProgramsOf } from "./companion-containers";
import { companionLogs } from "./companion-logs";
import {
  deploymentOf,
  deploymentReferenceOf,
  runsAsDeployment,
  serviceOf,
  TOKENS_ANNOTATION,
  tokensHashOf,
  WORKLOAD_LABEL,
} from "./deployment-spec";
import { applyDeployment, applyService, deleteDeployment } from "./deployments";
import { type KubeApi, kubeMessage, statusOf } from "./kube-api";
import { runKubeJob } from "./kube-jobs";
import { ObjectCache } from "./object-cache";
import { ensureBlockPolicy, ownerReferencesOf, releaseOwner } from "./owner-objects";
import { PodLogs } from "./pod-logs";
import {
  LABELS_ANNOTATION,
  ownerReferenceOf,
  type PodSettings,
  podNameOf,
  podOf,
  programInImage,
  selectorOf,
  tokenSecretOf,
  WORKLOAD_ANNOTATION,
} from "./pod-spec";
import { podStateOf } from "./pod-status";
import { PodWatch } from "./pod-watch";
import { pullSecrets } from "./pull-secrets";
import { assetFetchTokens } from "./pushed-code";
import { TokenSecrets } from "./token-secrets";

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
  /**
   * A fetch token for blob `sha256` (`agents.work.assetFetchToken`): what a pod of a component's
   * pushed code fetches it with. Unset: such workloads are refused.
   */
  assetFetchToken?: (sha256: string) => Promise<string>;
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

  const watch = new PodWatch(pods);
  const tokenSecrets = new TokenSecrets(api, namespace, secrets, opts.onError);
  const registrySecrets = pullSecrets(api, namespace);
  const fetchTokens = assetFetchTokens(opts.assetFetchToken);
  const stateOf = (pod: string) => watch.stateOf(pod);
  const until = (test: () => boolean, ms: number) => watch.until(test, ms);

  async function remove(pod: string, graceSeconds = 10): Promise<void> {
    try {
      await api.core.deleteNamespacedPod({ name: pod, namespace, gracePeriodSeconds: graceSeconds });
    } catch (err) {
      if (statusOf(err) !== 404) throw new Error(`could not remove pod ${pod}: ${kubeMessage(err)}`);
    }
    await until(() => stateOf(pod) === null, (graceSeconds + 30) * 1000);
    await tokenSecrets.remove(pod);
  }

  /** A runtime's Deployment removed, and its pods gone from this node. */
  async function removeDeployment(name: string): Promise<void> {
    await deleteDeployment(api, namespace, name);
    await until(() => watch.noneOfDeployment(name), 40_000);
    await tokenSecrets.remove(name);
  }

  /**
   * The workload that `pod` (`p`) runs now: its tokens are in `<how.secretBase>-tokens`, and
   * `how.stop` ends it (its pod removed; a runtime's Deployment removed).
   */
  function workloadOf(
    name: string,
    pod: string,
    p: V1Pod,
    logs: PodLogs,
    how: { secretBase: string; stop: () => Promise<void> },
  ): Workload {
    const tokens = tokenSecrets.tokensOf(how.secretBase);
    const exited = watch.exited(pod);
    const runs = () => stateOf(pod)?.exited === null;
    logs.follow(runs);
    const companions = companionLogs(api, namespace, pod, p, runs);
    const stopLogs = () => {
      logs.stop();
      for (const l of companions.values()) l.stop();
    };
    void exited.then(() => setTimeout(stopLogs, 1000).unref());
    return {
      name,
      labels: labelsFrom(p),
      endpoint: `http://${p.status?.podIP}:${opts.port}`,
      pid: null,
      controlToken: tokens.controlToken,
      dataToken: tokens.dataToken,
      exited,
      logs: (limit = 200, container?: string) =>
        container === undefined
          ? logs.tail(limit)
          : (companions.get(container)?.tail(limit) ?? [`pod ${pod} has no container ${container}`]),
      async stop() {
        await how.stop();
        stopLogs();
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

  interface Started {
    /** The pod that runs it now. */
    pod: string;
    logs: PodLogs;
    /** Its tokens Secret is `<secretBase>-tokens`. */
    secretBase: string;
    stop: () => Promise<void>;
  }

  /** A bare pod (an instance), bound to this node; a pod of its name left from before is replaced. */
  async function startPod(
    spec: WorkloadSpec,
    program: string | null,
    owners: V1OwnerReference[],
    assetToken?: string,
  ): Promise<Started> {
    const pod = podNameOf(spec.name);
    // Its init containers' and side-cars' entries, checked like its own (inside the component directory).
    const companions = companionProgramsOf(opts.repoRoot, spec, (p) => programInImage(opts, p));
    const secret = tokenSecretOf(opts, spec, pod, assetToken);
    if (secret) await tokenSecrets.put(secret);
    const created = await createPod(pod, podOf(opts, spec, program, pod, owners, companions));
    pods.put(created);
    if (secret) await tokenSecrets.own(pod, ownerReferenceOf("Pod", pod, created.metadata?.uid as string));
    return { pod, logs: new PodLogs(api, namespace, pod), secretBase: pod, stop: () => remove(pod) };
  }

  /**
   * A runtime as a Deployment of one pod with its Service (deployment-spec.ts): its tokens first (the
   * Deployment owns them), then the Deployment, whose template names this start's tokens, so that
   * the pod to wait for is the one made for them.
   */
  async function startDeployment(
    spec: WorkloadSpec,
    program: string | null,
    owners: V1OwnerReference[],
  ): Promise<Started> {
    const name = podNameOf(spec.name);
    const secret = tokenSecretOf(opts, spec, name);
    if (secret) await tokenSecrets.put(secret);
    const deployment = await applyDeployment(api, namespace, deploymentOf(opts, spec, program, name, owners));
    const uid = deployment.metadata?.uid as string;
    if (secret) await tokenSecrets.own(name, deploymentReferenceOf(name, uid));
    await applyService(api, namespace, serviceOf(opts, spec, name, uid));
    const hash = tokensHashOf(spec);
    const ours = () =>
      watch.ofDeployment(name).find((p) => p.metadata?.annotations?.[TOKENS_ANNOTATION] === hash);
    const stop = () => removeDeployment(name);
    if (!(await until(() => ours() !== undefined, startTimeoutMs))) {
      await stop().catch(() => undefined);
      throw new Error(`${spec.name}: deployment ${name} made no pod within ${startTimeoutMs / 1000} s`);
    }
    const pod = ours()?.metadata?.name as string;
    return { pod, logs: new PodLogs(api, namespace, pod), secretBase: name, stop };
  }

  return {
    name: "kubernetes",

    release: (owner) => releaseOwner(api, namespace, owner),

    ready: () => synced,

    async start(spec: WorkloadSpec): Promise<Workload> {
      if (closed) throw new DriverClosedError(spec.name);
      if (spec.bundle && !spec.asset)
        throw new Error(`${spec.name}: a bundle on the agent's machine alone cannot run in a pod`);
      await synced;
      // A component of its own image runs that image's entrypoint; pushed code, its bundle fetched
      // into the pod; any other, a program of the AIOS image.
      const program =
        spec.image || spec.asset
          ? null
          : programInImage(
              opts,
              spec.kind === "instance"
                ? resolveComponentEntry(opts.repoRoot, spec.entry)
                : resolve(opts.repoRoot, spec.entry),
            );
      const owners = await ownerReferencesOf(api, opts, spec.owner);
      // A component's image from a registry with credentials: its pull Secret, made or brought up to date.
      if (spec.image && spec.imagePull) await registrySecrets.ensure(spec.imagePull);
      // A block's instances take connections from its own executor (and the agents) only.
      if (spec.kind === "instance" && spec.owner?.kind === "block")
        await ensureBlockPolicy(api, opts, spec.owner.id, owners);
      const assetToken = spec.asset ? await fetchTokens.of(spec.asset.sha256) : undefined;
      const started = runsAsDeployment(spec.kind)
        ? await startDeployment(spec, program, owners)
        : await startPod(spec, program, owners, assetToken);
      const { pod, logs, stop } = started;
      // Settled: Ready, gone, or stuck where waiting will not help (an image that cannot be pulled,
      // a configuration error, a crash loop: the kubelet restarts a container that ended, and says
      // CrashLoopBackOff when it ends again): the agent tries again later, the reason on the block.
      await until(() => {
        const s = stateOf(pod);
        return s === null || s.ready || s.stuck;
      }, startTimeoutMs);
      const state = stateOf(pod);
      if (!state?.ready) {
        const lines = await logs.fetchTail(5);
        const exit = state?.exited ?? state?.lastExit;
        const why =
          state === null
            ? "was removed while starting"
            : exit
              ? `exited while starting (${exit.code ?? exit.signal})${state.problem ? ` (${state.problem})` : ""}`
              : state.stuck
                ? `cannot start (${state.problem})`
                : `was not ready within ${startTimeoutMs / 1000} s${state.problem ? ` (${state.problem})` : ""}`;
        await stop().catch(() => undefined);
        throw new Error(`${spec.name} ${why}: ${lines.join(" | ")}`);
      }
      const workload = workloadOf(spec.name, pod, pods.get(pod) as V1Pod, logs, started);
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
      const program = spec.runtime
        ? resolve(opts.repoRoot, spec.entry)
        : resolveComponentEntry(opts.repoRoot, spec.entry, "runtime.init.entry");
      return runKubeJob(api, opts, watch, spec, programInImage(opts, program));
    },

    close() {
      closed = true;
    },

    list: () => [
      ...new Set(
        pods
          .values()
          .filter((p) => p.metadata?.labels?.["app.kubernetes.io/component"] !== "job")
          .map((p) => p.metadata?.annotations?.[WORKLOAD_ANNOTATION] ?? (p.metadata?.name as string)),
      ),
    ],

    adopt(name: string): Workload | null {
      const pod = podNameOf(name);
      const bare = pods.get(pod);
      if (bare && !bare.metadata?.labels?.[WORKLOAD_LABEL]) {
        if (bare.metadata?.deletionTimestamp) return null;
        const state = podStateOf(bare);
        if (state.exited || !state.podIP) {
          void remove(pod, 0).catch(() => undefined);
          return null;
        }
        return workloadOf(name, pod, bare, new PodLogs(api, namespace, pod), {
          secretBase: pod,
          stop: () => remove(pod),
        });
      }
      // A runtime's Deployment: its newest pod, once Ready, when it runs with the tokens its Secret
      // holds (a start that replaced them and did not finish leaves it to the next start).
      const [p] = watch.ofDeployment(pod);
      if (!p) return null;
      const tokens = tokenSecrets.tokensOf(pod);
      if (!podStateOf(p).ready || p.metadata?.annotations?.[TOKENS_ANNOTATION] !== tokensHashOf(tokens))
        return null;
      const running = p.metadata?.name as string;
      return workloadOf(name, running, p, new PodLogs(api, namespace, running), {
        secretBase: pod,
        stop: () => removeDeployment(pod),
      });
    },

    reconnects: () => pods.reconnects + secrets.reconnects,

    problemOf(name: string) {
      const pod = podNameOf(name);
      const p = pods.get(pod) ?? watch.ofDeployment(pod)[0];
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
