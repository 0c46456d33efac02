import { mkdtempSync, rmSync } from "node:fs";
import type { Server } from "node:https";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ApiException, CoordinationV1Api, CoreV1Api, KubeConfig, type V1Pod } from "@kubernetes/client-node";
import { startKubeletServer } from "./kubelet-server";
import { type NodeShape, postNodeStatus, registerNode, renewLease } from "./node-registration";
import { checkPodAddressPrefix, claimPodAddress, releasePodAddress } from "./pod-addresses";
import { watchNodePods } from "./pod-watch";
import { type ImageConfig, type KubeletContext, PodWorker } from "./pod-worker";
import { makeServingCert } from "./serving-cert";
import { kubeTime } from "./times";

export interface ProcessKubeletOptions {
  /** A kubeconfig (YAML text) whose identity may write nodes, leases, pods and pods/status. */
  kubeconfig: string;
  nodeName: string;
  /** `nvidia.com/gpu` capacity. Default 0. */
  gpus?: number;
  /** Default "32" and "256Gi", as the peer's simulated nodes. */
  cpu?: string;
  memory?: string;
  /** First two octets of the pod IPs, e.g. "127.77" (the default); pods get `<prefix>.x.y`. */
  podAddressPrefix?: string;
  /** Maps a container's workingDir to a folder of this machine. Default: the path as is, or the pod's own folder when unset. */
  workingDir?: (containerWorkingDir: string | undefined) => string;
  /**
   * The images this node can pull, with what their image configuration says (pod-worker.ts
   * `pullImage`). Given: a container's image must be one of them (any other fails with
   * ErrImagePull, then ImagePullBackOff), and one without a command runs its image's entrypoint.
   * Absent: images are ignored and every container needs a command.
   */
  images?: Record<string, ImageConfig>;
  /** Restart back-off: the kubelet's is 10 s doubling to 300 s. Default 1 s doubling to 30 s. */
  restartBackoffMs?: { initial: number; max: number };
  /** The kubelet's own log lines (default: none). */
  log?: (line: string) => void;
}

export interface ProcessKubelet {
  nodeName: string;
  /** Where the pods' folders (and their containers' output) are. */
  dataDir: string;
  /** The running process of each container of each pod, by `namespace/pod` then container name. */
  pids(): Record<string, Record<string, number>>;
  /** Kills every process it started, stops its heartbeats and its API; the Node object stays. */
  stop(): Promise<void>;
}

const heartbeatMs = 10_000;

/**
 * Plays the kubelet of one node against a real API server, running each pod's containers as
 * process groups of this machine (scripts/process-kubelet/README.md). Returns once the node is
 * registered, Ready and free of the not-ready taint, so the scheduler may place pods on it.
 */
export async function startProcessKubelet(options: ProcessKubeletOptions): Promise<ProcessKubelet> {
  const log = options.log ?? (() => {});
  const kc = new KubeConfig();
  kc.loadFromString(options.kubeconfig);
  const core = kc.makeApiClient(CoreV1Api);
  const coordination = kc.makeApiClient(CoordinationV1Api);
  const prefix = options.podAddressPrefix ?? "127.77";
  checkPodAddressPrefix(prefix);
  const dataDir = mkdtempSync(join(tmpdir(), `aios-process-kubelet-${options.nodeName}-`));
  const workers = new Map<string, PodWorker>();
  const byName = (namespace: string, name: string) =>
    [...workers.values()].find(
      (w) => w.pod.metadata?.namespace === namespace && w.pod.metadata?.name === name,
    );

  let server: Server | undefined;
  let heartbeat: NodeJS.Timeout | undefined;
  let stopWatch: (() => void) | undefined;
  const stop = async () => {
    clearInterval(heartbeat);
    stopWatch?.();
    await Promise.all([...workers.values()].map((w) => w.kill()));
    for (const w of workers.values()) releasePodAddress(w.podIP);
    workers.clear();
    await new Promise((r) => (server ? server.close(r) : r(undefined)));
    server?.closeAllConnections();
    rmSync(dataDir, { recursive: true, force: true });
  };

  try {
    const api = new URL(kc.getCurrentCluster()!.server);
    const ctx: KubeletContext = {
      core,
      hostIP: "127.0.0.1",
      podDir: (pod) =>
        join(dataDir, "pods", `${pod.metadata!.namespace}_${pod.metadata!.name}_${pod.metadata!.uid}`),
      workingDir: options.workingDir,
      ...(options.images ? { images: options.images } : {}),
      baseEnv: {
        PATH: process.env.PATH ?? "/usr/local/bin:/usr/bin:/bin",
        KUBERNETES_SERVICE_HOST: api.hostname,
        KUBERNETES_SERVICE_PORT: api.port || "443",
      },
      backoff: {
        initialMs: options.restartBackoffMs?.initial ?? 1000,
        maxMs: options.restartBackoffMs?.max ?? 30_000,
      },
      log,
    };
    const tls = makeServingCert(dataDir, options.nodeName);
    const listening = await startKubeletServer(tls, byName);
    server = listening.server;
    const shape: NodeShape = {
      nodeName: options.nodeName,
      cpu: options.cpu ?? "32",
      memory: options.memory ?? "256Gi",
      gpus: options.gpus ?? 0,
      pods: 110,
      kubeletPort: listening.port,
      since: kubeTime(),
    };
    const node = await registerNode(core, shape);
    await renewLease(coordination, node);
    heartbeat = setInterval(() => {
      Promise.all([renewLease(coordination, node), postNodeStatus(core, shape)]).catch((e) =>
        log(`node ${shape.nodeName}: heartbeat: ${e instanceof Error ? e.message : String(e)}`),
      );
    }, heartbeatMs);
    await untilSchedulable(core, shape.nodeName);
    log(`node ${shape.nodeName}: Ready, kubelet API on 127.0.0.1:${listening.port}`);

    const admit = (pod: V1Pod) => {
      const uid = pod.metadata!.uid!;
      const known = workers.get(uid);
      if (known) return known.update(pod);
      const phase = pod.status?.phase;
      const terminal = phase === "Succeeded" || phase === "Failed";
      if (pod.metadata?.deletionTimestamp || terminal) {
        // Nothing of it runs here (it ended, or before this kubelet started): only the final delete is left.
        if (pod.metadata?.deletionTimestamp) void finalDelete(core, pod, log);
        return;
      }
      const worker = new PodWorker(ctx, pod, claimPodAddress(prefix, pod.status?.podIP));
      workers.set(uid, worker);
      worker.start();
    };
    const forget = (uid: string) => {
      const w = workers.get(uid);
      if (!w) return;
      workers.delete(uid);
      void w.kill().then(() => releasePodAddress(w.podIP));
    };
    stopWatch = watchNodePods(kc, core, shape.nodeName, {
      listed: (pods) => {
        const present = new Set(pods.map((p) => p.metadata!.uid!));
        for (const uid of workers.keys()) if (!present.has(uid)) forget(uid);
        for (const p of pods) admit(p);
      },
      changed: admit,
      deleted: (pod) => forget(pod.metadata!.uid!),
      error: log,
    });
    const pids = () => {
      const out: Record<string, Record<string, number>> = {};
      for (const w of workers.values()) out[w.name] = w.pids();
      return out;
    };
    return { nodeName: shape.nodeName, dataDir, pids, stop };
  } catch (e) {
    await stop();
    throw e;
  }
}

async function finalDelete(core: CoreV1Api, pod: V1Pod, log: (line: string) => void): Promise<void> {
  try {
    await core.deleteNamespacedPod({
      name: pod.metadata!.name!,
      namespace: pod.metadata!.namespace!,
      gracePeriodSeconds: 0,
      body: { gracePeriodSeconds: 0, preconditions: { uid: pod.metadata!.uid! } },
    });
  } catch (e) {
    if (!(e instanceof ApiException && (e.code === 404 || e.code === 409)))
      log(`pod ${pod.metadata!.namespace}/${pod.metadata!.name}: final delete: ${String(e)}`);
  }
}

/** The node lifecycle controller lifts the not-ready taint (set at registration) once it sees the node Ready. */
async function untilSchedulable(core: CoreV1Api, nodeName: string): Promise<void> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const node = await core.readNode({ name: nodeName });
    const tainted = node.spec?.taints?.some((t) => t.key.startsWith("node.kubernetes.io/"));
    const ready = node.status?.conditions?.some((c) => c.type === "Ready" && c.status === "True");
    if (ready && !tainted) return;
    if (Date.now() > deadline)
      throw new Error(
        `node ${nodeName}: still not schedulable after 60 s (taints: ${JSON.stringify(node.spec?.taints ?? [])})`,
      );
    await new Promise((r) => setTimeout(r, 250));
  }
}
