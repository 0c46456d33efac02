import { resolve } from "node:path";
import { ApiException, AppsV1Api, CoreV1Api, KubeConfig, NetworkingV1Api } from "@kubernetes/client-node";
import { type KubePeer, startKubePeer } from "../../../../scripts/kube-peer/index";
import {
  type ImageConfig,
  type ProcessKubelet,
  startProcessKubelet,
} from "../../../../scripts/process-kubelet/index";
import { connectKube } from "../../src/drivers/kubernetes/kube-api";
import {
  createKubernetesDriver,
  type KubernetesDriver,
  type KubernetesDriverOptions,
} from "../../src/drivers/kubernetes/kubernetes-driver";

/** What the Kubernetes tests share: polls, a peer with one process node, and drivers on it. */

export const repoRoot = resolve(import.meta.dirname, "../../../..");

/** Polls until `check` gives a value other than false or undefined (a readiness wait, not a timed assertion). */
export async function until<T>(
  what: string,
  check: () => Promise<T | false | undefined>,
  timeoutMs = 60_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== false && value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs / 1000} s`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** `false` for a 404, so that a poll goes on; any other error fails the test. */
export function notFound(e: unknown): false {
  if (e instanceof ApiException && e.code === 404) return false;
  throw e;
}

/** The AIOS image of the tests: the repository at the same path as on this machine. */
export const AIOS_TEST_IMAGE = "aios:test";

export interface ProcessNodePeer {
  peer: KubePeer;
  kubelet: ProcessKubelet;
  core: CoreV1Api;
  apps: AppsV1Api;
  networking: NetworkingV1Api;
  namespace: string;
  nodeName: string;
  /** A driver for the node, as an agent of it would make (disposed by `stop`). */
  driver(extra?: Partial<KubernetesDriverOptions>): KubernetesDriver;
  stop(): Promise<void>;
}

/**
 * A real control plane whose one node is played by the process kubelet (pods run as processes of
 * this machine on `<podAddressPrefix>.x.y`: a prefix of its own per test file), and the namespace
 * the drivers use. `images`: what the node can pull besides the AIOS image.
 */
export async function startProcessNodePeer(opts: {
  nodeName: string;
  podAddressPrefix: string;
  namespace?: string;
  images?: Record<string, ImageConfig>;
}): Promise<ProcessNodePeer> {
  const namespace = opts.namespace ?? "aios";
  const peer = await startKubePeer({ nodes: 0 });
  const drivers: KubernetesDriver[] = [];
  let kubelet: ProcessKubelet | undefined;
  try {
    kubelet = await startProcessKubelet({
      kubeconfig: peer.kubeconfig,
      nodeName: opts.nodeName,
      gpus: 2,
      podAddressPrefix: opts.podAddressPrefix,
      workingDir: (dir) => dir ?? repoRoot,
      images: { [AIOS_TEST_IMAGE]: { workingDir: repoRoot }, ...opts.images },
    });
    const kc = new KubeConfig();
    kc.loadFromString(peer.kubeconfig);
    const core = kc.makeApiClient(CoreV1Api);
    await core.createNamespace({ body: { metadata: { name: namespace } } });
    const started = kubelet;
    return {
      peer,
      kubelet: started,
      core,
      apps: kc.makeApiClient(AppsV1Api),
      networking: kc.makeApiClient(NetworkingV1Api),
      namespace,
      nodeName: opts.nodeName,
      driver(extra = {}) {
        const driver = createKubernetesDriver({
          api: connectKube({ kubeconfig: peer.kubeconfig }),
          namespace,
          nodeName: opts.nodeName,
          clusterId: "c1",
          image: AIOS_TEST_IMAGE,
          repoRoot,
          imageRepoRoot: repoRoot,
          port: 8080,
          runtimeEnv: {},
          // As an agent asks by default: the node has two (the process kubelet's capacity).
          gpuResource: "nvidia.com/gpu",
          startTimeoutMs: 60_000,
          ...extra,
        });
        drivers.push(driver);
        return driver;
      },
      async stop() {
        for (const d of drivers) d.dispose();
        await started.stop();
        await peer.stop();
      },
    };
  } catch (err) {
    await kubelet?.stop();
    await peer.stop();
    throw err;
  }
}
