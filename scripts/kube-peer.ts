/**
 * The Kubernetes test peer (testpeers/kubernetes/README.md).
 *   node --import tsx scripts/kube-peer.ts build        build it once into .cache/testpeers/kubernetes (a no-op when built)
 *   node --import tsx scripts/kube-peer.ts start [N] [--process-node NAME]
 *                                                       run it with N simulated nodes (default 2) until Ctrl-C,
 *                                                       printing the kubeconfig's path for kubectl or a driver;
 *                                                       --process-node adds a node whose pods really run, as
 *                                                       processes of this machine (scripts/process-kubelet), from
 *                                                       the image `aios:local` (this repository)
 */
import { resolve } from "node:path";
import { buildPeer, startKubePeer } from "./kube-peer/index";
import { startProcessKubelet } from "./process-kubelet/index";

/** The image a process node runs: this repository, where it is. */
const LOCAL_IMAGE = "aios:local";

async function main(command: string, args: string[]): Promise<void> {
  if (command === "build") {
    await buildPeer();
    return;
  }
  if (command !== "start") throw new Error(`unknown command ${command}: use build or start [nodes]`);
  const at = args.indexOf("--process-node");
  const processNode = at >= 0 ? args[at + 1] : undefined;
  if (at >= 0 && !processNode?.match(/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/))
    throw new Error(`start: --process-node needs a node name (a DNS name), not ${processNode ?? "nothing"}`);
  const rest = at >= 0 ? [...args.slice(0, at), ...args.slice(at + 2)] : args;
  const nodes = rest[0] === undefined ? 2 : Number(rest[0]);
  if (!Number.isInteger(nodes) || nodes < 0)
    throw new Error(`start: the node count must be a whole number, not ${rest[0]}`);
  const began = Date.now();
  const peer = await startKubePeer({ nodes, log: console.log });
  const repoRoot = resolve(import.meta.dirname, "..");
  const kubelet = processNode
    ? await startProcessKubelet({
        kubeconfig: peer.kubeconfig,
        nodeName: processNode,
        gpus: 2,
        workingDir: (dir) => dir ?? repoRoot,
        images: { [LOCAL_IMAGE]: { workingDir: repoRoot } },
      })
    : null;
  console.log(`kube-peer: ready in ${((Date.now() - began) / 1000).toFixed(1)} s`);
  console.log(`KUBECONFIG=${peer.kubeconfigPath}`);
  if (processNode)
    console.log(
      `kube-peer: node ${processNode} runs pods as processes: AIOS_K8S_IMAGE=${LOCAL_IMAGE} AIOS_K8S_IMAGE_REPO_ROOT=${repoRoot}`,
    );
  const stop = () =>
    void (async () => {
      await kubelet?.stop();
      await peer.stop();
      process.exit(0);
    })();
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
}

const [command = "build", ...args] = process.argv.slice(2);
await main(command, args).catch((e: unknown) => {
  console.error(`kube-peer: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
});
