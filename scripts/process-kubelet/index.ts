/** A kubelet for tests that runs pods' containers as processes of this machine (README.md). */

export { type ProcessKubelet, type ProcessKubeletOptions, startProcessKubelet } from "./kubelet";
export { processKubeletLabel } from "./node-registration";
export type { ImageConfig } from "./pod-worker";
