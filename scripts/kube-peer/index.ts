/** A real Kubernetes control plane on this machine, for tests (testpeers/kubernetes/README.md). */
export { type KubePeer, type KubePeerOptions, startKubePeer } from "./control-plane";
export { kwokNodeAnnotation } from "./nodes";
export { buildPeer, builtPeer, type PeerVersions, pinnedVersions } from "./peer-build";
