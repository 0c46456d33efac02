import { isIP } from "node:net";
import { networkInterfaces } from "node:os";
import type { Agent } from "undici";
import {
  familyOf,
  hostOf,
  isLocalhostName,
  parseAllowedNetworks,
  type ResolveAll,
  rangeOf,
  systemResolver,
} from "./address-ranges";
import { checkedAgent } from "./checked-connector";

/**
 * Where the API may call a workload. The addresses of block executors, vDAG controllers and
 * function replicas come from the agents of their clusters, and the API sends them requests from
 * inside the platform's network and hands their answers back to the caller: left unchecked, an
 * agent could report its "executor" at the API's own database, at a cloud's metadata service or
 * at any service the API's host reaches, and read its answers through the data plane.
 *
 * So every connection to a workload is checked on the addresses its host resolves to, and goes to
 * the address that was checked (a name cannot resolve to one address for the check and another
 * for the connection):
 * - never to the platform's own services (the API's database, its queue, its own ports): the
 *   address and port they listen on, on every address of this host when they listen on loopback;
 * - with AIOS_WORKLOAD_NETWORKS set, only into the networks it lists (a grid's clusters);
 * - without it, anywhere but link-local (cloud metadata), unspecified, multicast and reserved
 *   addresses: the embedded default runs its workloads on loopback, a grid's on private or public
 *   addresses.
 */
export const WORKLOAD_NETWORKS_SETTING = "AIOS_WORKLOAD_NETWORKS";

/** Ranges no workload listens in unless AIOS_WORKLOAD_NETWORKS lists them. */
const NEVER_BY_DEFAULT = new Set(["link-local (cloud metadata)", "unspecified", "multicast", "reserved"]);

/** A service of the platform's own, by the URL or listen address it is reached at. */
export interface OwnService {
  /** What it is, as a refusal names it: `the API's database (DATABASE_URL)`. */
  name: string;
  host: string;
  port: number;
}

export interface WorkloadTargets {
  /** Why the API will not call a workload at `address`:`port`; null if it may. */
  refusalOf(address: string, port: number): string | null;
  /**
   * Why the API will not call a workload at `url` as written (an address in it, or a `localhost`
   * name); null if it may, or if only its connection can tell (a name, resolved when it connects).
   */
  refusal(url: string): string | null;
  /** Keeps connections to workloads alive and checks each new one (timeouts are given per request). */
  dispatcher: Agent;
}

/** What a connection refused by the check fails with (on the error or its cause). */
export const WORKLOAD_TARGET_REFUSED = "AIOS_WORKLOAD_TARGET_REFUSED";

export class WorkloadTargetRefused extends Error {
  readonly code = WORKLOAD_TARGET_REFUSED;
}

/** An IPv4-mapped address is its IPv4 one: `::ffff:127.0.0.1` and `::ffff:7f00:1` are 127.0.0.1. */
const plain = (address: string): string => {
  const dotted = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (dotted?.[1]) return dotted[1];
  const hex = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/i.exec(address);
  if (!hex) return address.toLowerCase();
  const [hi, lo] = [Number.parseInt(hex[1] ?? "0", 16), Number.parseInt(hex[2] ?? "0", 16)];
  return [hi >> 8, hi & 255, lo >> 8, lo & 255].join(".");
};

const isLoopbackOrAny = (address: string): boolean => {
  const kind = rangeOf(address);
  return kind === "loopback" || kind === "unspecified";
};

/** This host's own addresses (every interface's), which a service listening on all of them answers on. */
const hostAddresses = (): string[] =>
  Object.values(networkInterfaces()).flatMap((list) => (list ?? []).map((i) => plain(i.address)));

export function createWorkloadTargets(
  opts: {
    /** AIOS_WORKLOAD_NETWORKS' entries; empty: every address outside the ranges above. */
    networks?: readonly string[];
    /** The platform's own services: never a workload's endpoint. */
    ownServices?: readonly OwnService[];
    /** The resolver connections use (default: the system's). */
    resolve?: ResolveAll;
  } = {},
): WorkloadTargets {
  const networks = opts.networks ?? [];
  const allowed = networks.length > 0 ? parseAllowedNetworks(networks) : null;
  const resolve = opts.resolve ?? systemResolver;
  const local = new Set(hostAddresses());

  // Each own service's addresses: a name is resolved once (a refusal holds from then on).
  const own = (opts.ownServices ?? []).map((s) => {
    const entry = { ...s, addresses: new Set<string>(), anyLocal: false };
    const host = s.host.replace(/^\[|\]$/g, "").toLowerCase();
    const mark = (address: string) => {
      const a = plain(address);
      if (isLoopbackOrAny(a) || local.has(a)) entry.anyLocal = true;
      else entry.addresses.add(a);
    };
    if (isIP(host)) mark(host);
    else if (isLocalhostName(host)) entry.anyLocal = true;
    else
      resolve(host, (err, found) => {
        for (const f of err ? [] : found) mark(f.address);
      });
    return entry;
  });

  const refusalOf = (raw: string, port: number): string | null => {
    const address = plain(raw);
    const isLocal = isLoopbackOrAny(address) || local.has(address);
    const service = own.find((s) => s.port === port && (s.addresses.has(address) || (s.anyLocal && isLocal)));
    if (service)
      return `${address}:${port} is ${service.name}; a workload's address never leads the API to the platform's own services`;
    if (allowed) {
      if (allowed.check(address, familyOf(address))) return null;
      return `${address} is outside ${WORKLOAD_NETWORKS_SETTING} (${networks.join(", ")}), the networks the API calls workloads in`;
    }
    const kind = rangeOf(address);
    if (kind && NEVER_BY_DEFAULT.has(kind))
      return `${address} is a ${kind} address; the API calls workloads there only if ${WORKLOAD_NETWORKS_SETTING} lists its network`;
    return null;
  };

  const refusal = (url: string): string | null => {
    let u: URL;
    try {
      u = new URL(url);
    } catch {
      return `${url} is not a URL`;
    }
    const host = hostOf(u);
    const port = Number(u.port) || (u.protocol === "https:" ? 443 : 80);
    if (isIP(host)) return refusalOf(host, port);
    return isLocalhostName(host) ? (refusalOf("127.0.0.1", port) ?? refusalOf("::1", port)) : null;
  };

  const dispatcher = checkedAgent({
    refusalOf,
    refused: (message) => new WorkloadTargetRefused(message),
    resolve,
    keepAliveTimeout: 30_000,
  });
  return { refusalOf, refusal, dispatcher };
}
