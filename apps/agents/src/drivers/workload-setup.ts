import { chmodSync, existsSync } from "node:fs";
import { join, resolve } from "node:path";
import type { RuntimePolicyOptions } from "@aios/policy-runtime";
import { SandboxProcess } from "@aios/policy-runtime/sandbox";
import type { Logger } from "@aios/service-kit";
import { baseWorkloadEnv } from "./workload-env";
import {
  createWorkloadIdentity,
  unreachableBy,
  type WorkloadIdentity,
  workloadUserOf,
} from "./workload-user";

export interface WorkloadSetup {
  identity: WorkloadIdentity;
  /** What the platform's runtimes get beyond their spec: the agent's runtime policy settings. */
  runtimeEnv: Record<string, string>;
  /** The sandbox child that runs this agent's policy jobs and stability checks, as the workload user. */
  policySandbox: SandboxProcess;
}

/**
 * Decides who this agent's workloads run as and where they write, before anything starts: as root,
 * AIOS_HOME and its tokens become 0700 and the workloads run as AIOS_WORKLOAD_USER; otherwise they
 * run as the agent's own user, which the start log says.
 */
export function setUpWorkloads(
  env: {
    AIOS_HOME: string;
    AIOS_CLUSTER_ID: string;
    AIOS_WORKLOAD_USER: string;
    AIOS_WORKLOAD_DIR?: string | undefined;
    runtimePolicy: RuntimePolicyOptions;
  },
  log: Logger,
  repoRoot: string,
): WorkloadSetup {
  const home = resolve(env.AIOS_HOME);
  const user = workloadUserOf(env.AIOS_WORKLOAD_USER);
  if (user) {
    for (const dir of [home, join(home, "tokens")]) if (existsSync(dir)) chmodSync(dir, 0o700);
    log.info("workloads run as an unprivileged user", { user: user.name, uid: user.uid, gid: user.gid });
    const blocked = unreachableBy(user, repoRoot);
    if (blocked.length > 0)
      log.warn("the workload user cannot reach the code it runs: give these directories o+x", {
        user: user.name,
        directories: blocked,
      });
  } else {
    log.info("workloads run as the agent's own user: the agent is not root", { uid: process.getuid?.() });
  }
  const dir = resolve(env.AIOS_WORKLOAD_DIR ?? `${home}-workloads`);
  const identity = createWorkloadIdentity({ dir: join(dir, env.AIOS_CLUSTER_ID), user });
  const policyHome = identity.freshDir("homes/policy-sandbox");
  return {
    identity,
    runtimeEnv: {
      AIOS_RUNTIME_POLICY_ISOLATION: env.runtimePolicy.isolation,
      AIOS_RUNTIME_POLICY_CPU_MS: String(env.runtimePolicy.limits.cpuTimeMs),
      AIOS_RUNTIME_POLICY_MEMORY_MB: String(env.runtimePolicy.limits.memoryMb),
    },
    policySandbox: new SandboxProcess({ env: baseWorkloadEnv(policyHome), ...identity.spawnOptions() }),
  };
}
