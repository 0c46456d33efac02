import type { PodSettings } from "../../src/drivers/kubernetes/pod-spec";

/** An agent's pod settings as the unit tests of the driver's objects build them. */
export const settings: PodSettings = {
  namespace: "aios",
  nodeName: "gpu-node-1",
  clusterId: "c1",
  image: "registry.example/aios:1.0",
  repoRoot: "/srv/aios",
  imageRepoRoot: "/app",
  port: 8080,
  runtimeEnv: { AIOS_RUNTIME_POLICY_ISOLATION: "process" },
  maxBodyMb: 16,
};
