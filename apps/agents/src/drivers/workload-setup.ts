import { chmodSync, existsSync, mkdirSync, readdirSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import type { RuntimePolicyOptions } from "@aios/policy-runtime";
import { SandboxProcess } from "@aios/policy-runtime/sandbox";
import type { Logger } from "@aios/service-kit";
import { baseWorkloadEnv } from "./workload-env";
import { DEFAULT_WORKLOAD_UIDS, parseUidRange } from "./workload-uids";
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
  /** The sandbox child that runs this agent's policy jobs and stability checks, as a workload user of its own. */
  policySandbox: SandboxProcess;
}

/**
 * Decides who this agent's workloads run as and where they write, before anything starts: as root,
 * AIOS_HOME is locked (`lockHome`) and each workload runs as a uid of its own from AIOS_WORKLOAD_UIDS
 * (as AIOS_WORKLOAD_USER, all of them, when that is `off`); otherwise they run
 * as the agent's own user, which the start log says.
 */
export function setUpWorkloads(
  env: {
    AIOS_HOME: string;
    AIOS_CLUSTER_ID: string;
    AIOS_WORKLOAD_USER: string;
    /** `<first>-<last>` or `off`; default DEFAULT_WORKLOAD_UIDS. */
    AIOS_WORKLOAD_UIDS?: string | undefined;
    AIOS_WORKLOAD_DIR?: string | undefined;
    runtimePolicy: RuntimePolicyOptions;
  },
  log: Logger,
  repoRoot: string,
): WorkloadSetup {
  const home = resolve(env.AIOS_HOME);
  const root = process.getuid?.() === 0;
  const uids = root ? parseUidRange(env.AIOS_WORKLOAD_UIDS ?? DEFAULT_WORKLOAD_UIDS) : null;
  const user = uids ? null : workloadUserOf(env.AIOS_WORKLOAD_USER);
  if (uids) {
    if (existsSync(home)) lockHome(home);
    log.info("workloads run as a user of their own each", { uids: `${uids.first}-${uids.last}` });
    const blocked = unreachableBy({ name: `uid ${uids.first}`, uid: uids.first, gid: uids.first }, repoRoot);
    if (blocked.length > 0)
      log.warn("the workloads' users cannot reach the code they run: give these directories o+x", {
        directories: blocked,
      });
  } else if (user) {
    if (existsSync(home)) lockHome(home);
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
  if (uids) {
    // Others pass through the workloads' directory to their own homes, but do not list it.
    mkdirSync(dir, { recursive: true });
    if (statSync(dir).uid === 0) chmodSync(dir, 0o711);
  }
  const identity = createWorkloadIdentity({ dir: join(dir, env.AIOS_CLUSTER_ID), user, uids });
  const policy = identity.claim("homes/policy-sandbox");
  return {
    identity,
    runtimeEnv: {
      // Named in the runtimes' spans: where the hop ran.
      AIOS_CLUSTER_ID: env.AIOS_CLUSTER_ID,
      AIOS_RUNTIME_POLICY_ISOLATION: env.runtimePolicy.isolation,
      AIOS_RUNTIME_POLICY_CPU_MS: String(env.runtimePolicy.limits.cpuTimeMs),
      AIOS_RUNTIME_POLICY_MEMORY_MB: String(env.runtimePolicy.limits.memoryMb),
    },
    policySandbox: new SandboxProcess({ env: baseWorkloadEnv(policy.env()), ...policy.spawnOptions() }),
  };
}

/** The folder of AIOS_HOME that belongs to PostgreSQL's own OS user (the embedded database's data). */
const POSTGRES_DIR = "postgres";

/**
 * AIOS_HOME as root keeps it: others may pass through it (PostgreSQL's OS user reaches its own
 * data directory) but neither list nor read it, and every folder in it but PostgreSQL's (tokens,
 * the agent's workload records and logs, the console's session key, Redis) is root's alone.
 */
export function lockHome(home: string): void {
  chmodSync(home, 0o711);
  for (const entry of readdirSync(home, { withFileTypes: true }))
    if (entry.isDirectory() && entry.name !== POSTGRES_DIR) chmodSync(join(home, entry.name), 0o700);
}
