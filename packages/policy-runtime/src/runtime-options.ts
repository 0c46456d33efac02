import { parseEnv } from "@aios/contracts";
import { z } from "zod";
import { DEFAULT_LIMITS, type LoadOptions } from "./sandbox/types";

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

/** An integer variable of at least `min`; unset or empty keeps `fallback`. */
const atLeast = (name: string, min: number, fallback: number) =>
  z
    .string()
    .optional()
    .refine((raw) => !raw || (Number.isInteger(Number(raw)) && Number(raw) >= min), {
      error: (iss) => `${name} must be an integer of at least ${min}, not ${JSON.stringify(iss.input)}`,
    })
    .transform((raw) => (raw ? Number(raw) : fallback));

const ZRuntimePolicyEnv = z.object({
  AIOS_RUNTIME_POLICY_ISOLATION: z
    .string()
    .optional()
    .transform((raw) => raw || "process")
    .pipe(
      z.enum(["process", "in-process"], {
        error: (iss) =>
          `AIOS_RUNTIME_POLICY_ISOLATION must be "process" or "in-process", not ${JSON.stringify(iss.input)}`,
      }),
    ),
  AIOS_RUNTIME_POLICY_CPU_MS: atLeast("AIOS_RUNTIME_POLICY_CPU_MS", 1, DEFAULT_LIMITS.cpuTimeMs),
  AIOS_RUNTIME_POLICY_MEMORY_MB: atLeast("AIOS_RUNTIME_POLICY_MEMORY_MB", 8, DEFAULT_LIMITS.memoryMb),
});

export function runtimePolicyOptions(
  env: Record<string, string | undefined> = process.env,
): RuntimePolicyOptions {
  const parsed = parseEnv(ZRuntimePolicyEnv, env, "invalid policy runtime environment:");
  return {
    isolation: parsed.AIOS_RUNTIME_POLICY_ISOLATION,
    limits: { cpuTimeMs: parsed.AIOS_RUNTIME_POLICY_CPU_MS, memoryMb: parsed.AIOS_RUNTIME_POLICY_MEMORY_MB },
  };
}
