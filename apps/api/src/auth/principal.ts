/** The roles an API token carries. An agent acts for its cluster alone, through the agent's own procedures. */
export const ROLES = ["admin", "operator", "viewer", "agent"] as const;
export type Role = (typeof ROLES)[number];

/** The roles of people and the console, ranked: each may do what the ones below it may. */
export type RankedRole = Exclude<Role, "agent">;

export interface Principal {
  role: Role;
  /** For agent tokens: the cluster the token belongs to. */
  scope: string | null;
  tokenId: string | null;
}

const RANK: Record<RankedRole, number> = { viewer: 1, operator: 2, admin: 3 };

export const isRole = (value: string): value is Role => (ROLES as readonly string[]).includes(value);

/** Whether the caller holds `min` or a higher ranked role; an agent token ranks with none of them. */
export const hasRole = (principal: Principal, min: RankedRole): boolean =>
  principal.role !== "agent" && RANK[principal.role] >= RANK[min];

/** Whether the caller may use the agents' procedures: a cluster agent, or an admin acting for any cluster. */
export const mayActAsAgent = (principal: Principal): boolean =>
  principal.role === "agent" || principal.role === "admin";

/** The cluster an agent token binds its caller to; null for a caller bound to none (an admin). */
export const clusterScopeOf = (principal: Principal): string | null =>
  principal.role === "agent" ? principal.scope : null;
