import { existsSync, statSync } from "node:fs";
import { dirname } from "node:path";
import type { GridConfig } from "./config";
import { GridError } from "./errors";
import { findIp } from "./ip";
import { assertNamespacesAllowed, assertSubnetFree, gridLeftovers, hasUnreachableRoute } from "./network";
import { readState } from "./state";
import { formatCidr } from "./subnet";

/** Every command changes this machine's network: root, and iproute2's `ip`. */
export function assertRootWithIp(): void {
  if (process.getuid?.() !== 0)
    throw new GridError(
      "npm run grid needs root: it makes network namespaces, links and routes (run it as root)",
    );
  if (!findIp()) throw new GridError("`ip` (iproute2) was not found on PATH: install iproute2");
}

/** Before `up` touches anything: no grid of that name is there, namespaces work, the subnet is free. */
export function assertCanBringUp(config: GridConfig): void {
  const state = readState(config.home);
  if (state)
    throw new GridError(
      `${state.phase === "up" ? "a grid is already up" : "a grid was started and not finished"} (its state is in ${config.home}): run \`npm run grid -- down\` first`,
    );
  const left = gridLeftovers(config.name);
  const subnet = formatCidr(config.subnet);
  const route = hasUnreachableRoute(subnet);
  if (left.namespaces.length > 0 || left.links.length > 0 || route) {
    const found = [...left.namespaces.map((n) => `namespace ${n}`), ...left.links.map((l) => `link ${l}`)];
    if (route) found.push(`route unreachable ${subnet}`);
    throw new GridError(
      `a grid named ${config.name} is partly there (${found.join(", ")}): run \`npm run grid -- down\` first`,
    );
  }
  assertHomeReachable(config.home);
  assertNamespacesAllowed(config.name);
  assertSubnetFree(config.subnet);
}

/**
 * The nodes' workloads run as uids of their own and PostgreSQL as its own user: each must pass
 * through every folder above its own in the grid's home (o+x).
 */
export function assertHomeReachable(home: string): void {
  for (let dir = dirname(home); ; dir = dirname(dir)) {
    if (existsSync(dir) && (statSync(dir).mode & 0o001) === 0)
      throw new GridError(
        `AIOS_GRID_HOME=${home}: ${dir} is closed to other users (no o+x); the hosts' workload users and PostgreSQL pass through it: chmod o+x ${dir} or choose another folder`,
      );
    if (dir === dirname(dir)) return;
  }
}
