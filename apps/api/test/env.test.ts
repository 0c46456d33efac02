import { describe, expect, it } from "vitest";
import { grpcListenOf, loadApiEnv, policyLimitsOf, queueBackendOf, vdagTaskSettingsOf } from "../src/env";

const base = { DATABASE_URL: "postgresql://postgres:postgres@127.0.0.1:5432/aios" };

describe("API environment", () => {
  it("accepts postgres:// and postgresql:// database URLs", () => {
    expect(loadApiEnv(base).DATABASE_URL).toBe(base.DATABASE_URL);
    expect(loadApiEnv({ DATABASE_URL: "postgres://u:p@db:5432/aios" }).DATABASE_URL).toBe(
      "postgres://u:p@db:5432/aios",
    );
  });

  it.each(["mysql://u:p@db/aios", "redis://127.0.0.1:6379", "127.0.0.1:5432/aios"])(
    "refuses DATABASE_URL=%s, saying what it must be",
    (url) => {
      expect(() => loadApiEnv({ DATABASE_URL: url })).toThrow(
        "DATABASE_URL: DATABASE_URL must be a postgres:// or postgresql:// URL",
      );
    },
  );

  it("serves gRPC on AIOS_GRPC_PORT (0: any free port), none when it is unset or off", () => {
    expect(grpcListenOf(loadApiEnv({ ...base, AIOS_GRPC_PORT: "8001" }))).toEqual({
      port: 8001,
      host: "127.0.0.1",
    });
    expect(grpcListenOf(loadApiEnv({ ...base, AIOS_GRPC_PORT: "0" }))).toEqual({
      port: 0,
      host: "127.0.0.1",
    });
    expect(grpcListenOf(loadApiEnv(base))).toBeNull();
    expect(grpcListenOf(loadApiEnv({ ...base, AIOS_GRPC_PORT: "off" }))).toBeNull();
    expect(() => loadApiEnv({ ...base, AIOS_GRPC_PORT: "eight" })).toThrow(
      "AIOS_GRPC_PORT: AIOS_GRPC_PORT must be a port (0: any free one) or off",
    );
  });

  it("listens on loopback in open mode, and anywhere with AIOS_AUTH=token", () => {
    expect(loadApiEnv(base).AIOS_API_HOST).toBe("127.0.0.1");
    expect(loadApiEnv({ ...base, AIOS_API_HOST: "0.0.0.0", AIOS_AUTH: "token" }).AIOS_API_HOST).toBe(
      "0.0.0.0",
    );
  });

  it("refuses to listen off loopback in open mode, saying how to turn auth on", () => {
    expect(() => loadApiEnv({ ...base, AIOS_API_HOST: "0.0.0.0" })).toThrow(
      /AIOS_API_HOST: 0\.0\.0\.0 is not a loopback address and AIOS_AUTH is "open" .*set AIOS_AUTH=token/,
    );
  });

  it("gives the async vDAG tasks' settings, and refuses a concurrency of 0 naming the variable", () => {
    expect(vdagTaskSettingsOf(loadApiEnv(base))).toEqual({
      concurrency: 32,
      maxAgeSeconds: 3600,
      sweepSeconds: 30,
    });
    const env = loadApiEnv({
      ...base,
      AIOS_VDAG_TASK_CONCURRENCY: "4",
      AIOS_VDAG_TASK_MAX_AGE_SECONDS: "900",
      AIOS_VDAG_TASK_SWEEP_SECONDS: "5",
    });
    expect(vdagTaskSettingsOf(env)).toEqual({ concurrency: 4, maxAgeSeconds: 900, sweepSeconds: 5 });
    expect(() => loadApiEnv({ ...base, AIOS_VDAG_TASK_CONCURRENCY: "0" })).toThrow(
      /AIOS_VDAG_TASK_CONCURRENCY: /,
    );
  });

  it("requires DATABASE_URL", () => {
    expect(() => loadApiEnv({})).toThrow(/DATABASE_URL: DATABASE_URL must be a postgres/);
  });

  it("requires REDIS_URL when the queue backend is Redis", () => {
    expect(() => loadApiEnv({ ...base, AIOS_QUEUE_BACKEND: "redis" })).toThrow(
      "REDIS_URL: required when AIOS_QUEUE_BACKEND=redis",
    );
  });

  it("queues in Redis when REDIS_URL is set, else in PostgreSQL", () => {
    expect(queueBackendOf(loadApiEnv({ ...base, REDIS_URL: "redis://127.0.0.1:6379" }))).toEqual({
      kind: "redis",
      url: "redis://127.0.0.1:6379",
    });
    expect(queueBackendOf(loadApiEnv(base))).toEqual({ kind: "postgres", url: base.DATABASE_URL });
  });

  it("passes AIOS_POLICY_CPU_MS and AIOS_POLICY_MEMORY_MB as the policy host's limits", () => {
    const env = loadApiEnv({ ...base, AIOS_POLICY_CPU_MS: "250", AIOS_POLICY_MEMORY_MB: "96" });
    expect(policyLimitsOf(env)).toEqual({ cpuTimeMs: 250, memoryMb: 96 });
  });

  it("leaves the sandbox's default limits when they are unset", () => {
    expect(policyLimitsOf(loadApiEnv(base))).toEqual({});
    expect(policyLimitsOf(loadApiEnv({ ...base, AIOS_POLICY_CPU_MS: "100" }))).toEqual({ cpuTimeMs: 100 });
  });

  it.each([
    ["AIOS_POLICY_CPU_MS", "0"],
    ["AIOS_POLICY_CPU_MS", "fast"],
    ["AIOS_POLICY_MEMORY_MB", "-1"],
    ["AIOS_POLICY_MEMORY_MB", "1.5"],
  ])("refuses %s=%s, naming the variable", (name, value) => {
    expect(() => loadApiEnv({ ...base, [name]: value })).toThrow(
      new RegExp(`^invalid API configuration:\\n  ${name}: `),
    );
  });
});
