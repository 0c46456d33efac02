/** The console's view of `auth.whoami` (the API's answer) for deciding which controls to offer. */
export interface ConsolePrincipal {
  role: string;
  name: string | null;
  tokenId: string | null;
}

export type MinRole = "viewer" | "operator" | "admin";
const RANK: Record<MinRole, number> = { viewer: 1, operator: 2, admin: 3 };
const rankOf = (role: string): number => (role in RANK ? RANK[role as MinRole] : 0);

export interface RoleGate {
  disabled: boolean;
  /** Why the control is disabled, said to the user; undefined when it is enabled. */
  reason: string | undefined;
}

/**
 * Whether a control that needs `min` is offered to `principal`. While the principal is unknown
 * (loading, or the API unreachable) the control stays enabled: the API decides, and says why.
 */
export function roleGate(principal: ConsolePrincipal | null | undefined, min: MinRole): RoleGate {
  if (principal === undefined) return { disabled: false, reason: undefined };
  if (principal === null) return { disabled: true, reason: `Needs the ${min} role; sign in first.` };
  if (rankOf(principal.role) >= RANK[min]) return { disabled: false, reason: undefined };
  const article = principal.role === "admin" || principal.role === "operator" ? "an" : "a";
  return {
    disabled: true,
    reason: `Needs the ${min} role; you are signed in as ${article} ${principal.role}.`,
  };
}
