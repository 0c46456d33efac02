import { DEFAULT_LIMITS, type LoadOptions, type SandboxIsolation } from "./sandbox/types";

/**
 * How the runtimes load the policies they run themselves (a block's executor and instances, a vDAG
 * controller), from their environment, which the agent passes on:
 *
 * - `AIOS_RUNTIME_POLICY_ISOLATION`: "process" (default) keeps the isolates in a sandbox child
 *   process, so a policy that brings V8 down takes only that child with it and the runtime goes on
 *   (the executor then routes round robin); "in-process" saves about 0.1 ms per call, for policies
 *   whose author also owns the runtime and trusts them.
 * - `AIOS_RUNTIME_POLICY_CPU_MS` (default 50) and `AIOS_RUNTIME_POLICY_MEMORY_MB` (default 64).
 */
export type RuntimePolicyOptions = Required<Pick<LoadOptions, "isolation" | "limits">>;

export function runtimePolicyOptions(
  env: Record<string, string | undefined> = process.env,
): RuntimePolicyOptions {
  const isolation = env.AIOS_RUNTIME_POLICY_ISOLATION || "process";
  if (isolation !== "process" && isolation !== "in-process")
    throw new Error(
      `AIOS_RUNTIME_POLICY_ISOLATION must be "process" or "in-process", not ${JSON.stringify(isolation)}`,
    );
  return {
    isolation: isolation satisfies SandboxIsolation,
    limits: {
      cpuTimeMs: positiveInt(env, "AIOS_RUNTIME_POLICY_CPU_MS", DEFAULT_LIMITS.cpuTimeMs, 1),
      memoryMb: positiveInt(env, "AIOS_RUNTIME_POLICY_MEMORY_MB", DEFAULT_LIMITS.memoryMb, 8),
    },
  };
}

function positiveInt(env: Record<string, string | undefined>, name: string, fallback: number, min: number) {
  const raw = env[name];
  if (raw === undefined || raw === "") return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min)
    throw new Error(`${name} must be an integer of at least ${min}, not ${JSON.stringify(raw)}`);
  return n;
}
