import type { GridConfig } from "./config";
import { GridError } from "./errors";
import { killHostProcesses } from "./host-processes";
import { setLink } from "./network";
import { hostOf, readState, type TGridState } from "./state";

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
