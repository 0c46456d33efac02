import { describe, expect, it } from "vitest";
import { loadAgentEnv } from "../src/env";

const base = { AIOS_QUEUE_URL: "redis://127.0.0.1:6379", AIOS_NODE_ID: "n1" };

describe("agent environment", () => {
  it("keeps 15 minutes of local metrics unless told, refusing a window out of bounds by name", () => {
    expect(loadAgentEnv(base).AIOS_LOCAL_METRICS_SECONDS).toBe(900);
    expect(loadAgentEnv({ ...base, AIOS_LOCAL_METRICS_SECONDS: "60" }).AIOS_LOCAL_METRICS_SECONDS).toBe(60);
    expect(() => loadAgentEnv({ ...base, AIOS_LOCAL_METRICS_SECONDS: "5" })).toThrow(
      /AIOS_LOCAL_METRICS_SECONDS: must be at least 10 \(seconds\)/,
    );
    expect(() => loadAgentEnv({ ...base, AIOS_LOCAL_METRICS_SECONDS: "1.5" })).toThrow(
      /AIOS_LOCAL_METRICS_SECONDS: must be a whole number of seconds/,
    );
  });

  it("runs its workloads on loopback in open mode by default", () => {
    const env = loadAgentEnv(base);
    expect(env.AIOS_BIND_HOST).toBe("127.0.0.1");
    expect(env.AIOS_AUTH).toBe("open");
  });

  it("lets a node of a token network bind its workloads to every interface", () => {
    expect(loadAgentEnv({ ...base, AIOS_BIND_HOST: "0.0.0.0", AIOS_AUTH: "token" }).AIOS_BIND_HOST).toBe(
      "0.0.0.0",
    );
  });

  it("refuses to bind its workloads off loopback in open mode, saying how to turn auth on", () => {
    expect(() => loadAgentEnv({ ...base, AIOS_BIND_HOST: "0.0.0.0" })).toThrow(
      /AIOS_BIND_HOST: 0\.0\.0\.0 is not a loopback address and AIOS_AUTH is "open" .*set AIOS_AUTH=token/,
    );
  });

  it("asks for workloads' GPUs by nvidia.com/gpu on Kubernetes unless told another resource or none", () => {
    const k8s = { ...base, AIOS_DRIVER: "kubernetes", AIOS_K8S_IMAGE: "aios:1" };
    expect(loadAgentEnv(k8s).AIOS_K8S_GPU_RESOURCE).toBe("nvidia.com/gpu");
    expect(loadAgentEnv({ ...k8s, AIOS_K8S_GPU_RESOURCE: "amd.com/gpu" }).AIOS_K8S_GPU_RESOURCE).toBe(
      "amd.com/gpu",
    );
    expect(loadAgentEnv({ ...k8s, AIOS_K8S_GPU_RESOURCE: "none" }).AIOS_K8S_GPU_RESOURCE).toBe("none");
    expect(() => loadAgentEnv({ ...k8s, AIOS_K8S_GPU_RESOURCE: "gpus please" })).toThrow(
      /AIOS_K8S_GPU_RESOURCE.*extended resource name such as nvidia\.com\/gpu, or none/,
    );
  });
});
