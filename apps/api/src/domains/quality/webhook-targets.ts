import { isIP } from "node:net";
import type { Agent } from "undici";
import {
  familyOf,
  hostOf,
  isLocalhostName,
  parseAllowedNetworks,
  type ResolveAll,
  rangeOf,
  systemResolver,
} from "../../address-ranges";
import { checkedAgent } from "../../checked-connector";

export { parseAllowedNetworks, type ResolveAll };

/**
 * Where the API may send a quality webhook. A vDAG's author chooses its webhook's URL, and the API
 * posts to it from inside the platform's network: left unchecked, that is a way to make the API
 * reach its own loopback services, the cluster's private addresses or a cloud's metadata service.
 * So webhooks go to public addresses only, unless the operator lists a network in
 * AIOS_QUALITY_WEBHOOK_ALLOWED_NETWORKS (a receiver on the same host or the company's network).
 *
 * Checked twice: when a vDAG is created (an address written in the URL, or a `localhost` name),
 * and when each delivery connects, on the addresses its host name resolves to. The connection
 * goes to the address that was checked (`checked-connector.ts`), so a name that resolves to a
 * public address for the check and a private one for the connection cannot slip through;
 * redirects are not followed.
 */
export const ALLOWED_NETWORKS_SETTING = "AIOS_QUALITY_WEBHOOK_ALLOWED_NETWORKS";

export interface WebhookTargets {
  /** Why the API will not post to `url` as written (an address in it, or `localhost`); null if it may. */
  refusal(url: string): string | null;
  /** Why the API will not connect to `address`; null if it may. */
  refusalOf(address: string): string | null;
  /** Connects only to addresses `refusalOf` allows: a host name resolving to any other fails. */
  dispatcher: Agent;
}

/** What a connection refused by the check fails with (on the error or its cause). */
export const TARGET_REFUSED = "AIOS_WEBHOOK_TARGET_REFUSED";

export class WebhookTargetRefused extends Error {
  readonly code = TARGET_REFUSED;
}

/** True when `err`, as the HTTP client reports it, is a refused target. */
export const isTargetRefused = (err: unknown): boolean =>
  (err as { code?: string })?.code === TARGET_REFUSED ||
  (err as { cause?: { code?: string } })?.cause?.code === TARGET_REFUSED;

export function createWebhookTargets(
  allowedNetworks: readonly string[] = [],
  /** The resolver connections use (default: the system's, as every connection of the API). */
  resolve: ResolveAll = systemResolver,
): WebhookTargets {
  const allowed = parseAllowedNetworks(allowedNetworks);

  const ONLY_PUBLIC = `the API sends webhooks to public addresses only, unless ${ALLOWED_NETWORKS_SETTING} lists its network`;
  /** What kind of address the API does not post to `address` is, or null if it may. */
  const kindRefused = (address: string): string | null => {
    if (allowed.check(address, familyOf(address))) return null;
    return rangeOf(address);
  };
  const refusalOf = (address: string): string | null => {
    const kind = kindRefused(address);
    return kind && `${address} is a ${kind} address; ${ONLY_PUBLIC}`;
  };

  const refusal = (url: string): string | null => {
    let host: string;
    try {
      host = hostOf(new URL(url));
    } catch {
      return "is not a URL";
    }
    if (isIP(host)) return refusalOf(host);
    // Names under .localhost are the host itself (RFC 6761), whatever a resolver says.
    if (isLocalhostName(host)) {
      const loopback = kindRefused("127.0.0.1") && kindRefused("::1");
      return loopback && `${host} is this host, a loopback address; ${ONLY_PUBLIC}`;
    }
    return null;
  };

  const dispatcher = checkedAgent({
    refusalOf: (address) => refusalOf(address),
    refused: (message) => new WebhookTargetRefused(message),
    resolve,
  });
  return { refusal, refusalOf, dispatcher };
}
