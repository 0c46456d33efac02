import { TOKEN_ROLES, type TTokenRole } from "@aios/contracts";

/**
 * The roles an API token carries. An agent acts for its cluster alone, through the agent's own
 * procedures; a `data` key invokes the blocks and vDAGs its scopes name on the data plane and
 * nothing on tRPC; a `join` token is only ever exchanged (`agents.join`) for an agent token.
 */
export const ROLES = TOKEN_ROLES;
export type Role = TTokenRole;

/** The roles of people and the console, ranked: each may do what the ones below it may. */
export type RankedRole = "viewer" | "operator" | "admin";

export interface Principal {
  role: Role;
  /** For agent (and join) tokens: the cluster the token belongs to. */
  scope: string | null;
  tokenId: string | null;
  /** A data key's scopes (`block:<id>`, `vdag:<uri or glob>`); an agent token's node (`node:<id>`). */
  scopes?: readonly string[];
}

const RANK: Record<RankedRole, number> = { viewer: 1, operator: 2, admin: 3 };

export const isRole = (value: string): value is Role => (ROLES as readonly string[]).includes(value);

const isRanked = (role: Role): role is RankedRole => role in RANK;

/** Whether the caller holds `min` or a higher ranked role; agent, data and join tokens rank with none. */
export const hasRole = (principal: Principal, min: RankedRole): boolean =>
  isRanked(principal.role) && RANK[principal.role] >= RANK[min];

/** Whether the caller may use the agents' procedures: a cluster agent, or an admin acting for any cluster. */
export const mayActAsAgent = (principal: Principal): boolean =>
  principal.role === "agent" || principal.role === "admin";

/** The cluster an agent token binds its caller to; null for a caller bound to none (an admin). */
export const clusterScopeOf = (principal: Principal): string | null =>
  principal.role === "agent" ? principal.scope : null;

/** The node an agent token binds its caller to (a token from a join naming the node); null for none. */
export const nodeScopeOf = (principal: Principal): string | null => {
  if (principal.role !== "agent") return null;
  const node = principal.scopes?.find((s) => s.startsWith("node:"));
  return node ? node.slice("node:".length) : null;
};

/**
 * Who a call counts against (rate limits, the vDAG quota of requests without a session): its API
 * token, else (an anonymous caller in open mode) its peer address. Forwarded headers are not
 * trusted: a client could name anyone.
 */
export const callerKeyOf = (principal: Principal, peerAddress: string | undefined): string =>
  principal.tokenId ? `token:${principal.tokenId}` : `address:${peerAddress ?? "unknown"}`;
