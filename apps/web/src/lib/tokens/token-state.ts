/** Where a token stands: answered by the API (`active`), refused because revoked, or past its expiry. */
export type TokenState = "active" | "revoked" | "expired";

export function tokenState(
  token: { revokedAt: string | null; expiresAt: string | null },
  now: number = Date.now(),
): TokenState {
  if (token.revokedAt !== null) return "revoked";
  if (token.expiresAt !== null && Date.parse(token.expiresAt) <= now) return "expired";
  return "active";
}

/** A data key's scopes from what a user typed: separated by commas, spaces or new lines. */
export function parseScopes(text: string): string[] {
  return text.split(/[\s,]+/).filter((s) => s !== "");
}
