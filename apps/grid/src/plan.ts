import { GridError } from "./errors";
import { formatCidr, formatIpv4, type Ipv4Net } from "./subnet";

export type HostRole = "management" | "node";

/** One host of the grid: a network namespace with one link onto the grid's bridge. */
export interface PlannedHost {
  name: string;
  role: HostRole;
  /** The network namespace the host is. */
  namespace: string;
  /** The veth end in the root namespace, on the bridge (`cut` takes it down). */
  link: string;
  address: string;
  clusterId: string | null;
  nodeId: string | null;
  /** A node's workload uid range (AIOS_WORKLOAD_UIDS), distinct per host. */
  workloadUids: string | null;
}

export interface GridPlan {
  name: string;
  /** The whole subnet the unreachable route covers. */
  subnet: string;
  bridge: { name: string; address: string; cidr: string };
  hosts: PlannedHost[];
}

export const WORKLOAD_UIDS_BASE = 2_200_000;
const UIDS_PER_HOST = 1000;
/** The host's address in the bridge's /24: .1 is the bridge, .2 the management host, nodes from .3. */
const FIRST_HOST_OCTET = 2;
const LAST_HOST_OCTET = 254;

/** Cluster ids c1..cN; a node host `cK-nJ` is node `cK-nJ` of cluster `cK`. */
export const clusterIdOf = (k: number) => `c${k}`;
export const nodeHostName = (k: number, j: number) => `c${k}-n${j}`;

/**
 * Names and addresses of every host: the bridge takes the first address of the subnet's first /24,
 * the management host the next, then the node hosts cluster by cluster. Link names stay within
 * Linux's 15 characters: `<name><index>`.
 */
export function planGrid(opts: { name: string; subnet: Ipv4Net; clusters: number; nodes: number }): GridPlan {
  const total = 1 + opts.clusters * opts.nodes;
  if (FIRST_HOST_OCTET + total - 1 > LAST_HOST_OCTET)
    throw new GridError(`${total} hosts do not fit the grid's /24 (at most ${LAST_HOST_OCTET - 1})`);
  const address = (octet: number) => formatIpv4(opts.subnet.base + octet);
  const host = (index: number, fields: Omit<PlannedHost, "namespace" | "link" | "address">): PlannedHost => ({
    ...fields,
    namespace: `${opts.name}-${fields.name}`,
    link: `${opts.name}${index}`,
    address: address(FIRST_HOST_OCTET + index),
  });
  const hosts = [
    host(0, { name: "mgmt", role: "management", clusterId: null, nodeId: null, workloadUids: null }),
  ];
  for (let k = 1; k <= opts.clusters; k++) {
    for (let j = 1; j <= opts.nodes; j++) {
      const index = hosts.length;
      const first = WORKLOAD_UIDS_BASE + UIDS_PER_HOST * index;
      hosts.push(
        host(index, {
          name: nodeHostName(k, j),
          role: "node",
          clusterId: clusterIdOf(k),
          nodeId: nodeHostName(k, j),
          workloadUids: `${first}-${first + UIDS_PER_HOST - 1}`,
        }),
      );
    }
  }
  return {
    name: opts.name,
    subnet: formatCidr(opts.subnet),
    bridge: { name: `${opts.name}-br`, address: address(1), cidr: `${address(1)}/24` },
    hosts,
  };
}
