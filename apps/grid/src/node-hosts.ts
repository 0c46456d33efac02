import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { delimiter, join } from "node:path";
import type { ApiClient } from "@aios/client";
import type { GridConfig } from "./config";
import { GridError } from "./errors";
import { gridBaseEnv, startInHost } from "./host-processes";
import { waitFor } from "./management";
import type { TGridState, THostState } from "./state";

/** The fake nvidia-smi of the agents' tests: a node of `--gpus K` reports K idle 80 GB GPUs. */
export const fakeNvidiaSmiDir = (repoRoot: string) =>
  join(repoRoot, "apps/agents/test/fixtures/fake-nvidia-smi");

export function writeFakeGpus(file: string, count: number): void {
  const gpus = Array.from({ length: count }, (_, index) => ({
    index,
    uuid: `GPU-grid-${index}`,
    name: "NVIDIA A100-SXM4-80GB",
    utilizationPct: 0,
    memoryUsedMb: 0,
    memoryTotalMb: 81920,
    processes: [],
  }));
  writeFileSync(file, JSON.stringify({ gpus }), { mode: 0o644 });
}

export interface NodeAgentContext {
  apiUrl: string;
  /** The management host's Redis, with its password: redis://:<password>@<address>:<port>. */
  queueUrl: string;
  joinToken: string;
  repoRoot: string;
  path: string;
}

/** A node agent that joins its cluster through the gateway with its own join token, on its own address. */
export function nodeAgentEnv(host: THostState, ctx: NodeAgentContext): Record<string, string> {
  const gpus: Record<string, string> = host.fakeGpusFile
    ? {
        PATH: [fakeNvidiaSmiDir(ctx.repoRoot), ctx.path].join(delimiter),
        AIOS_FAKE_GPUS_FILE: host.fakeGpusFile,
      }
    : { PATH: ctx.path };
  return {
    ...gpus,
    AIOS_API_URL: ctx.apiUrl,
    AIOS_AUTH: "token",
    AIOS_JOIN_TOKEN: ctx.joinToken,
    AIOS_CLUSTER_ID: host.clusterId ?? "",
    AIOS_NODE_ID: host.nodeId ?? "",
    AIOS_QUEUE_BACKEND: "redis",
    AIOS_QUEUE_URL: ctx.queueUrl,
    AIOS_BIND_HOST: host.address,
    AIOS_PUBLIC_HOSTNAME: host.address,
    AIOS_HOME: host.home,
    AIOS_WORKLOAD_DIR: host.workloadDir ?? `${host.home}-workloads`,
    AIOS_WORKLOAD_UIDS: host.workloadUids ?? "off",
  };
}

/**
 * Until the node's agent registered its node and then heartbeat: its lastSeenAt moved after the
 * first time it was seen (a heartbeat every AIOS_HEARTBEAT_SECONDS, 10 by default).
 */
export async function waitForNode(api: ApiClient, host: THostState): Promise<void> {
  const what = `node ${host.nodeId} of cluster ${host.clusterId} to register and heartbeat`;
  let registeredSeenAt: string | null = null;
  await waitFor(what, host, 120_000, async () => {
    const node = await api.nodes.get.query({ id: host.nodeId ?? "" });
    if (node.clusterId !== host.clusterId || node.lastSeenAt === null) return null;
    registeredSeenAt ??= node.lastSeenAt;
    return node.lastSeenAt !== registeredSeenAt ? true : null;
  });
}

/** The management host's Redis URL, with the password its launcher made. */
export function queueUrlOf(state: TGridState): string {
  const mgmt = state.hosts[0] as THostState;
  const password = readFileSync(state.redis.passwordFile, "utf8").trim();
  return `redis://:${encodeURIComponent(password)}@${mgmt.address}:${state.redis.port}`;
}

/**
 * Starts the node agent of a node host, in its namespace, with the join token kept in its folder:
 * the first time the agent exchanges it for an agent token of its own (kept in its AIOS_HOME); a
 * restarted agent finds that token and keeps its identity. Returns its pid.
 */
export function startNodeAgent(config: GridConfig, state: TGridState, node: THostState): number {
  if (node.role !== "node" || !node.joinTokenFile)
    throw new GridError(`${node.name} is not a node host: only a node host runs a node agent`);
  if (!existsSync(node.joinTokenFile))
    throw new GridError(
      `${node.name} has no join token (${node.joinTokenFile}): its \`up\` did not get that far`,
    );
  const joinToken = readFileSync(node.joinTokenFile, "utf8").trim();
  return startInHost({
    namespace: node.namespace,
    command: [process.execPath, "--import", "tsx", "apps/agents/src/main.ts"],
    env: {
      ...gridBaseEnv(),
      ...nodeAgentEnv(node, {
        apiUrl: state.apiUrl,
        queueUrl: queueUrlOf(state),
        joinToken,
        repoRoot: config.repoRoot,
        path: process.env.PATH ?? "",
      }),
    },
    cwd: config.repoRoot,
    log: node.log,
  });
}
