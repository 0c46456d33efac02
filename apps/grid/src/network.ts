import { GridError } from "./errors";
import { type IpRoute, ip, links, namespaces, routes, tryIp } from "./ip";
import type { GridPlan, PlannedHost } from "./plan";
import { formatCidr, type Ipv4Net, overlaps, parseCidr } from "./subnet";

/** The route that keeps the grid's packets on this machine: `unreachable <subnet>`. */
export const hasUnreachableRoute = (subnet: string) =>
  routes().some((r) => r.type === "unreachable" && r.dst === subnet);

/** The first of `table`'s routes whose destination shares an address with `subnet`, if any. */
export function collidingRoute(table: IpRoute[], subnet: Ipv4Net): IpRoute | null {
  const own = formatCidr(subnet);
  for (const route of table) {
    // Its own unreachable route is the grid's; the default route is what it must never use.
    if (route.dst === "default" || (route.type === "unreachable" && route.dst === own)) continue;
    const dst = parseCidr(route.dst);
    if (dst && overlaps(dst, subnet)) return route;
  }
  return null;
}

/** Refuses a subnet that collides with a route of this machine (its own unreachable route aside). */
export function assertSubnetFree(subnet: Ipv4Net): void {
  const route = collidingRoute(routes(), subnet);
  if (route)
    throw new GridError(
      `AIOS_GRID_SUBNET=${formatCidr(subnet)} collides with this machine's route to ${route.dst}${route.dev ? ` (dev ${route.dev})` : ""}: choose another subnet`,
    );
}

/** Refuses when this machine cannot make network namespaces, with the system's one-line reason. */
export function assertNamespacesAllowed(name: string): void {
  const probe = `${name}-probe`;
  tryIp("netns", "delete", probe);
  try {
    ip("netns", "add", probe);
  } catch (err) {
    throw new GridError(`this machine refuses network namespaces: ${(err as Error).message}`);
  }
  ip("netns", "delete", probe);
}

/** First of all: no packet for the grid's subnet ever leaves through the default route. */
export function addUnreachableRoute(subnet: string): void {
  if (!hasUnreachableRoute(subnet)) ip("route", "add", "unreachable", subnet);
}

/** The bridge every host's link joins, with the root namespace's address in the grid's /24. */
export function addBridge(plan: GridPlan): void {
  ip("link", "add", plan.bridge.name, "type", "bridge");
  ip("addr", "add", plan.bridge.cidr, "dev", plan.bridge.name);
  ip("link", "set", plan.bridge.name, "up");
}

/**
 * A host: its namespace (loopback up), and a veth pair whose root end joins the bridge and whose
 * other end, `eth0` inside, has the host's address. No default route: only the grid's /24.
 */
export function addHost(plan: GridPlan, host: PlannedHost): void {
  ip("netns", "add", host.namespace);
  const inside = (...args: string[]) => ip("-n", host.namespace, ...args);
  inside("link", "set", "lo", "up");
  ip("link", "add", host.link, "type", "veth", "peer", "name", "eth0", "netns", host.namespace);
  ip("link", "set", host.link, "master", plan.bridge.name);
  ip("link", "set", host.link, "up");
  inside("addr", "add", `${host.address}/24`, "dev", "eth0");
  inside("link", "set", "eth0", "up");
}

export const setLink = (link: string, state: "up" | "down") => ip("link", "set", link, state);

export const linkIsUp = (link: string) =>
  links()
    .find((l) => l.ifname === link)
    ?.flags.includes("UP") ?? false;

/** The grid's namespaces and root-namespace links (veth ends and bridge), found by their prefix. */
export function gridLeftovers(name: string): { namespaces: string[]; links: string[] } {
  return {
    namespaces: namespaces().filter((ns) => ns.startsWith(`${name}-`)),
    links: links()
      .map((l) => l.ifname)
      .filter((n) => n === `${name}-br` || new RegExp(`^${name}\\d+$`).test(n)),
  };
}

/** Removes namespaces (their veth ends go with them), then any link left, then the bridge. */
export function removeNetwork(name: string, bridge: string): void {
  for (const ns of gridLeftovers(name).namespaces) tryIp("netns", "delete", ns);
  for (const link of gridLeftovers(name).links) if (link !== bridge) tryIp("link", "delete", link);
  tryIp("link", "delete", bridge);
}

/** Last of all, once no host of the grid is left. */
export function removeUnreachableRoute(subnet: string): void {
  if (hasUnreachableRoute(subnet)) ip("route", "del", "unreachable", subnet);
}
