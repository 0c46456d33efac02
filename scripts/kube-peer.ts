/**
 * The Kubernetes test peer (testpeers/kubernetes/README.md).
 *   node --import tsx scripts/kube-peer.ts build        build it once into .cache/testpeers/kubernetes (a no-op when built)
 *   node --import tsx scripts/kube-peer.ts start [N]    run it with N simulated nodes (default 2) until Ctrl-C,
 *                                                       printing the kubeconfig's path for kubectl or a driver
 */
import { buildPeer, startKubePeer } from "./kube-peer/index";

async function main(command: string, arg: string | undefined): Promise<void> {
  if (command === "build") {
    await buildPeer();
    return;
  }
  if (command !== "start") throw new Error(`unknown command ${command}: use build or start [nodes]`);
  const nodes = arg === undefined ? 2 : Number(arg);
  if (!Number.isInteger(nodes) || nodes < 0)
    throw new Error(`start: the node count must be a whole number, not ${arg}`);
  const began = Date.now();
  const peer = await startKubePeer({ nodes, log: console.log });
  console.log(`kube-peer: ready in ${((Date.now() - began) / 1000).toFixed(1)} s`);
  console.log(`KUBECONFIG=${peer.kubeconfigPath}`);
  const stop = () => void peer.stop().then(() => process.exit(0));
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
}

const [command = "build", arg] = process.argv.slice(2);
await main(command, arg).catch((e: unknown) => {
  console.error(`kube-peer: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
});
