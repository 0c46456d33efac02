import type { LookupAddress } from "node:dns";
import { isIP } from "node:net";
import { Agent, buildConnector } from "undici";
import type { ResolveAll } from "./address-ranges";

/**
 * The one way the API's outbound checks hold at connection time (quality webhooks:
 * `webhook-targets.ts`; workloads: `workload-targets.ts`): an undici `Agent` whose every new
 * connection resolves its host, asks `refusalOf` of each address the name resolves to, and connects
 * to the first of them, the address that was checked. A name cannot resolve to one address for the
 * check and another for the connection, and an address written in the URL is checked the same way.
 */
export function checkedAgent(opts: {
  /** Why a connection to `address`:`port` is refused; null if it may be made. */
  refusalOf(address: string, port: number): string | null;
  /** The error a refused connection fails with (its message names the host and the reason). */
  refused(message: string): Error;
  resolve: ResolveAll;
  /** How long an idle connection is kept (undici's default otherwise). */
  keepAliveTimeout?: number;
}): Agent {
  const base = buildConnector({});
  const connect: buildConnector.connector = (options, callback) => {
    const host = options.hostname.replace(/^\[|\]$/g, "");
    const port = Number(options.port) || (options.protocol === "https:" ? 443 : 80);
    const checked = (addresses: LookupAddress[]) => {
      for (const a of addresses) {
        const why = opts.refusalOf(a.address, port);
        if (why) return callback(opts.refused(isIP(host) ? why : `${host}: ${why}`), null);
      }
      const first = addresses[0];
      if (!first)
        return callback(Object.assign(new Error(`${host} has no address`), { code: "ENOTFOUND" }), null);
      base(
        {
          ...options,
          hostname: first.address,
          servername: options.servername ?? (isIP(host) ? undefined : host),
        },
        callback,
      );
    };
    if (isIP(host)) return checked([{ address: host, family: isIP(host) }]);
    opts.resolve(host, (err, addresses) => (err ? callback(err, null) : checked(addresses)));
  };
  return new Agent({
    connect,
    ...(opts.keepAliveTimeout !== undefined ? { keepAliveTimeout: opts.keepAliveTimeout } : {}),
  });
}
