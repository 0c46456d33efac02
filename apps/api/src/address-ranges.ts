import { type LookupAddress, lookup } from "node:dns";
import { BlockList, isIP } from "node:net";

/**
 * The address ranges the API's outbound checks name (quality webhooks: `webhook-targets.ts`;
 * workload endpoints: `workload-targets.ts`; both connect through `checked-connector.ts`), and the
 * operators' network lists. `::/96` (IPv4-compatible, deprecated) is reserved.
 */

/** Address ranges that are not the public Internet, each with what it is. */
const NOT_PUBLIC: ReadonlyArray<readonly [label: string, ranges: ReadonlyArray<string>]> = [
  ["loopback", ["127.0.0.0/8", "::1/128"]],
  ["private", ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "fc00::/7"]],
  ["link-local (cloud metadata)", ["169.254.0.0/16", "fe80::/10"]],
  ["shared (carrier-grade NAT)", ["100.64.0.0/10"]],
  ["unspecified", ["0.0.0.0/8", "::/128"]],
  ["multicast", ["224.0.0.0/4", "ff00::/8"]],
  ["reserved", ["192.0.0.0/24", "198.18.0.0/15", "240.0.0.0/4", "64:ff9b:1::/48", "::/96"]],
];

export const familyOf = (address: string): "ipv4" | "ipv6" => (isIP(address) === 6 ? "ipv6" : "ipv4");

function addRange(list: BlockList, range: string): void {
  const [address = "", prefix] = range.split("/");
  const family = familyOf(address);
  if (prefix === undefined) list.addAddress(address, family);
  else list.addSubnet(address, Number(prefix), family);
}

/** The ranges that are not the public Internet, in the order above: the first that holds an address names it. */
export const NOT_PUBLIC_RANGES: ReadonlyArray<{ label: string; list: BlockList }> = NOT_PUBLIC.map(
  ([label, ranges]) => {
    const list = new BlockList();
    for (const r of ranges) addRange(list, r);
    return { label, list };
  },
);

/** What kind of non-public address `address` is (`loopback`, `private`...), or null for a public one. */
export const rangeOf = (address: string): string | null =>
  NOT_PUBLIC_RANGES.find((r) => r.list.check(address, familyOf(address)))?.label ?? null;

/**
 * Parses a setting's networks (`10.0.0.0/8`, `127.0.0.1`, `fd00::/8`); throws naming the entry
 * that is not an address or a network.
 */
export function parseAllowedNetworks(entries: readonly string[]): BlockList {
  const allowed = new BlockList();
  for (const raw of entries) {
    const entry = raw.trim();
    if (!entry) continue;
    const [address = "", prefix, extra] = entry.split("/");
    const family = isIP(address);
    const bits = family === 6 ? 128 : 32;
    if (family === 0 || extra !== undefined || (prefix !== undefined && !/^\d{1,3}$/.test(prefix)))
      throw new Error(`${entry} is not an IP address or a network such as 10.0.0.0/8`);
    if (prefix !== undefined && Number(prefix) > bits)
      throw new Error(`${entry}: a network's prefix is at most ${bits} bits`);
    addRange(allowed, entry);
  }
  return allowed;
}

/** A comma-separated setting's entries (`10.0.0.0/8, 127.0.0.1`), blanks dropped. */
export const networkEntries = (setting: string): string[] =>
  setting
    .split(",")
    .map((e) => e.trim())
    .filter(Boolean);

/** A URL's host as connections use it: without an IPv6 literal's brackets or a trailing dot, lower case. */
export const hostOf = (url: URL): string =>
  url.hostname
    .replace(/^\[|\]$/g, "")
    .replace(/\.$/, "")
    .toLowerCase();

/** Names that are this host whatever a resolver says (RFC 6761). */
export const isLocalhostName = (host: string): boolean => host === "localhost" || host.endsWith(".localhost");

/** Resolves a host name to all its addresses (`dns.lookup` with `all: true`). */
export type ResolveAll = (
  hostname: string,
  callback: (err: NodeJS.ErrnoException | null, addresses: LookupAddress[]) => void,
) => void;

export const systemResolver: ResolveAll = (hostname, callback) => lookup(hostname, { all: true }, callback);
