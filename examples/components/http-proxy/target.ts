import { lookup as dnsLookup, type LookupAddress } from "node:dns";
import { BlockList, isIP, type LookupFunction } from "node:net";

/**
 * Where the proxy may send tasks. Refused unless `allowPrivateTargets`: loopback (127.0.0.0/8,
 * ::1, localhost), unspecified (0.0.0.0, ::), link-local (169.254.0.0/16, fe80::/10) and the cloud
 * metadata addresses (169.254.169.254, fd00:ec2::254). IPv4-mapped IPv6 forms are matched too.
 * RFC 1918 networks stay allowed: an externally managed system usually lives in one.
 */
const refused = new BlockList();
refused.addSubnet("127.0.0.0", 8, "ipv4");
refused.addSubnet("0.0.0.0", 8, "ipv4");
refused.addSubnet("169.254.0.0", 16, "ipv4");
refused.addAddress("::1", "ipv6");
refused.addAddress("::", "ipv6");
refused.addSubnet("fe80::", 10, "ipv6");
refused.addAddress("fd00:ec2::254", "ipv6");

export class TargetRefused extends Error {
  override readonly name = "TargetRefused";
}

/** Why this address is refused, or undefined when it is allowed. */
export function refusedAddress(address: string): string | undefined {
  const family = isIP(address);
  if (family === 0) return `${address} is not an IP address`;
  return refused.check(address, family === 4 ? "ipv4" : "ipv6")
    ? `${address} is a loopback, link-local or metadata address`
    : undefined;
}

/**
 * Checks the URL: http/https only, and unless private targets are allowed, every address its host
 * resolves to. Throws TargetRefused naming the problem; returns the parsed URL.
 */
export async function checkTarget(
  url: unknown,
  allowPrivate: boolean,
  resolve: (host: string) => Promise<string[]> = resolveAll,
): Promise<URL> {
  if (typeof url !== "string" || url === "") throw new TargetRefused("parameters.url must be a URL string");
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new TargetRefused(`parameters.url is not a valid URL: ${JSON.stringify(url)}`);
  }
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:")
    throw new TargetRefused(`parameters.url must be http or https, got ${parsed.protocol}`);
  if (allowPrivate) return parsed;
  const host = parsed.hostname.replace(/^\[|\]$/g, "").replace(/\.$/, "");
  if (host === "localhost" || host.endsWith(".localhost"))
    throw new TargetRefused(
      `parameters.url: ${host} is a loopback name (set initSettings.allowPrivateTargets)`,
    );
  const addresses = isIP(host) ? [host] : await resolve(host);
  for (const address of addresses) {
    const why = refusedAddress(address);
    if (why)
      throw new TargetRefused(`parameters.url: ${host}: ${why} (set initSettings.allowPrivateTargets)`);
  }
  return parsed;
}

/** Every address dns.lookup gives for the name (what the connection would use). */
export async function resolveAll(host: string): Promise<string[]> {
  return new Promise((resolve, reject) =>
    dnsLookup(host, { all: true }, (err, addresses: LookupAddress[]) => {
      if (err)
        reject(new TargetRefused(`parameters.url: cannot resolve ${host}: ${err.code ?? err.message}`));
      else resolve(addresses.map((a) => a.address));
    }),
  );
}

/**
 * A `lookup` for http.request that refuses blocked addresses at connect time, so a name that
 * re-resolves to a loopback or metadata address after the init check (DNS rebinding) is refused too.
 */
export const guardedLookup: LookupFunction = (hostname, options, callback) => {
  dnsLookup(hostname, { ...options, all: true }, (err, addresses: LookupAddress[]) => {
    if (err) return callback(err, "", 0);
    const bad = addresses.map((a) => refusedAddress(a.address)).find(Boolean);
    if (bad) return callback(new TargetRefused(`${hostname}: ${bad}`), "", 0);
    if (options.all) return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, addresses);
    const first = addresses[0];
    if (!first) return callback(new Error(`${hostname}: no addresses`), "", 0);
    callback(null, first.address, first.family);
  });
};
