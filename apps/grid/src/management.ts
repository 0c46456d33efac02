import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { type ApiClient, createApiClient, describeApiError } from "@aios/client";
import { GridError } from "./errors";
import { isAlive } from "./host-processes";
import type { THostState } from "./state";

export const MANAGEMENT_PORTS = { api: 4000, console: 3000, redis: 6379 } as const;

/**
 * The environment of the launcher on the management host: PostgreSQL, Redis, the API and the
 * console, listening on the host's address in token mode, no local agent, no examples loaded; the
 * API calls workloads in the grid's subnet only (`AIOS_WORKLOAD_NETWORKS`: its clusters' hosts).
 */
export function managementEnv(
  host: THostState,
  opts: { console: boolean; subnet: string },
): Record<string, string> {
  return {
    AIOS_HOME: host.home,
    AIOS_HOST: host.address,
    AIOS_AUTH: "token",
    AIOS_AGENT: "0",
    AIOS_SEED: "0",
    AIOS_WEB: opts.console ? "1" : "0",
    AIOS_API_PORT: String(MANAGEMENT_PORTS.api),
    AIOS_WEB_PORT: String(MANAGEMENT_PORTS.console),
    AIOS_REDIS_PORT: String(MANAGEMENT_PORTS.redis),
    AIOS_LOG_FORMAT: "json",
    AIOS_WORKLOAD_NETWORKS: opts.subnet,
  };
}

/** The admin token the management host's bootstrap wrote, once it exists. */
export const adminTokenFileOf = (host: THostState) => join(host.home, "tokens", "admin");
/** The Redis password the management host's launcher made (AIOS_HOST off loopback). */
export const redisPasswordFileOf = (host: THostState) => join(host.home, "redis.password");

/** The last lines of a host's log, for an error that points at it. */
export function logTail(host: THostState, lines = 5): string {
  if (!existsSync(host.log)) return "(no log)";
  return readFileSync(host.log, "utf8").trimEnd().split("\n").slice(-lines).join("\n");
}

/**
 * Polls `check` until it returns a value; fails when the host's process is gone (with its log's last
 * lines) or after `timeoutMs`, saying what was awaited.
 */
export async function waitFor<T>(
  what: string,
  host: THostState,
  timeoutMs: number,
  check: () => Promise<T | null>,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last = "";
  for (;;) {
    try {
      const value = await check();
      if (value !== null) return value;
    } catch (err) {
      last = describeApiError(err);
    }
    if (host.pid !== null && !isAlive(host.pid))
      throw new GridError(
        `${host.name} stopped while waiting for ${what}: see ${host.log}\n${logTail(host)}`,
      );
    if (Date.now() > deadline)
      throw new GridError(
        `${what}: not within ${Math.round(timeoutMs / 1000)} s${last ? ` (last: ${last})` : ""}; see ${host.log}`,
      );
    await new Promise((r) => setTimeout(r, 500));
  }
}

export async function waitForApi(mgmt: THostState, apiUrl: string): Promise<void> {
  await waitFor("the API to answer", mgmt, 180_000, async () => {
    const res = await fetch(`${apiUrl}/healthz`, { signal: AbortSignal.timeout(2_000) });
    return res.status < 500 ? true : null;
  });
}

export async function adminClient(mgmt: THostState, apiUrl: string): Promise<ApiClient> {
  const file = adminTokenFileOf(mgmt);
  const token = await waitFor("the admin token", mgmt, 30_000, async () =>
    existsSync(file) ? readFileSync(file, "utf8").trim() || null : null,
  );
  return createApiClient({ url: apiUrl, token });
}

/** Creates the cluster (idempotent: the Parser's createCluster), reached at its first node's address. */
export async function createCluster(
  api: ApiClient,
  clusterId: string,
  publicHostname: string,
): Promise<void> {
  await api.parser.applySpec.mutate({
    document: {
      header: { templateUri: "Parser/V1", action: "createCluster" },
      body: {
        spec: {
          values: {
            id: clusterId,
            regionId: "grid",
            status: "live",
            config: { policyExecutionMode: "local", publicHostname, useGateway: true, actionsPolicyMap: {} },
            tags: ["grid"],
            clusterMetadata: {
              name: `Grid cluster ${clusterId}`,
              description: "A cluster of `npm run grid`: its nodes are network namespaces of this machine.",
              owner: "grid",
              email: "admin@localhost",
              countries: [],
              vendor: "self-hosted",
            },
            reputation: 1,
          },
        },
      },
    },
  });
}

/** A one-time join token of the cluster, for one node's agent. */
export async function issueJoinToken(api: ApiClient, clusterId: string): Promise<string> {
  return (await api.clusters.joinToken.mutate({ clusterId, expiresIn: "1h" })).token;
}
