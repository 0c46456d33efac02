import { GridError } from "./errors";

/** An IPv4 network: its first address as a 32-bit number and its prefix length. */
export interface Ipv4Net {
  base: number;
  prefix: number;
}

export function parseIpv4(text: string): number | null {
  const parts = text.split(".");
  if (parts.length !== 4 || !parts.every((p) => /^\d{1,3}$/.test(p) && Number(p) <= 255)) return null;
  return parts.reduce((n, p) => n * 256 + Number(p), 0);
}

export function formatIpv4(n: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(n / 2 ** shift) % 256).join(".");
}

/** `a.b.c.d/p` (a bare address is a /32), or null when it is not one. */
export function parseCidr(text: string): Ipv4Net | null {
  const [address, prefixText, ...extra] = text.split("/");
  if (extra.length > 0 || address === undefined) return null;
  const base = parseIpv4(address);
  const prefix = prefixText === undefined ? 32 : /^\d{1,2}$/.test(prefixText) ? Number(prefixText) : -1;
  if (base === null || prefix < 0 || prefix > 32) return null;
  return { base, prefix };
}

export const formatCidr = (net: Ipv4Net) => `${formatIpv4(net.base)}/${net.prefix}`;

const size = (prefix: number) => 2 ** (32 - prefix);
const start = (net: Ipv4Net) => net.base - (net.base % size(net.prefix));

/** True when the two networks share an address. */
export function overlaps(a: Ipv4Net, b: Ipv4Net): boolean {
  const [sa, sb] = [start(a), start(b)];
  return sa < sb + size(b.prefix) && sb < sa + size(a.prefix);
}

/**
 * The grid's whole subnet (AIOS_GRID_SUBNET): a private IPv4 network of /8 to /24, given by its
 * first address, so that the bridge's /24 fits inside it and the unreachable route covers it all.
 */
export function parseGridSubnet(text: string): Ipv4Net {
  const net = parseCidr(text);
  const say = (why: string) => new GridError(`AIOS_GRID_SUBNET=${text}: ${why}`);
  if (!net || !text.includes("/")) throw say("must be an IPv4 network a.b.c.d/p, e.g. 10.211.0.0/16");
  if (net.prefix < 8 || net.prefix > 24) throw say("its prefix must be /8 to /24 (the bridge takes a /24)");
  if (start(net) !== net.base)
    throw say(`not the network's first address (${formatCidr({ ...net, base: start(net) })})`);
  const isPrivate = [parseCidr("10.0.0.0/8"), parseCidr("172.16.0.0/12"), parseCidr("192.168.0.0/16")].some(
    (p) => p && overlaps(p, net) && p.prefix <= net.prefix,
  );
  if (!isPrivate) throw say("must lie inside a private range (10/8, 172.16/12 or 192.168/16)");
  return net;
}
