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
  if (readState(config.home))
    throw new GridError(
      `a grid is already up (its state is in ${config.home}): run \`npm run grid -- down\` first`,
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
  assertNamespacesAllowed(config.name);
  assertSubnetFree(config.subnet);
}
