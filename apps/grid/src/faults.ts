import type { GridConfig } from "./config";
import { GridError } from "./errors";
import { isAlive, killHostProcesses } from "./host-processes";
import { adminClient } from "./management";
import { setLink } from "./network";
import { startNodeAgent, waitForNode } from "./node-hosts";
import { hostOf, readState, type TGridState, type THostState, writeState } from "./state";

export function requireState(config: GridConfig): TGridState {
  const state = readState(config.home);
  if (!state)
    throw new GridError(`no grid is up (no state in ${config.home}): \`npm run grid -- up\` makes one`);
  return state;
}

/** `cut`: the host's link goes down; packets to and from it go nowhere (none leaves the machine). */
export function cut(config: GridConfig, name: string): string {
  const host = hostOf(requireState(config), name);
  setLink(host.link, "down");
  return `${host.name} (${host.address}) cut: link ${host.link} down`;
}

export function heal(config: GridConfig, name: string): string {
  const host = hostOf(requireState(config), name);
  setLink(host.link, "up");
  return `${host.name} (${host.address}) healed: link ${host.link} up`;
}

/** `kill`: kill -9 every process of the host, found by its network namespace. */
export async function kill(config: GridConfig, name: string): Promise<string> {
  const host = hostOf(requireState(config), name);
  const killed = await killHostProcesses(host.namespace);
  return `${host.name}: ${killed} processes killed (kill -9)`;
}

/**
 * `start`: starts a node host's agent again (after `kill`), as `up` did and with the identity it
 * kept; returns once its node heartbeats again. Refused while its agent still runs; workloads that
 * outlived their agent are left to the new one, which adopts them.
 */
export async function start(config: GridConfig, name: string): Promise<string> {
  const state = requireState(config);
  const host = hostOf(state, name);
  if (host.role !== "node")
    throw new GridError(`${host.name} is the management host: start starts a node host's agent`);
  if (host.pid !== null && isAlive(host.pid))
    throw new GridError(
      `${host.name}'s node agent still runs (pid ${host.pid}): \`kill ${host.name}\` first`,
    );
  host.pid = startNodeAgent(config, state, host);
  writeState(config.home, state);
  const mgmt = state.hosts[0] as THostState;
  await waitForNode(await adminClient(mgmt, state.apiUrl), host);
  return `${host.name}: node agent started (pid ${host.pid}), node ${host.nodeId} heartbeats`;
}
