import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";

/** The token-mode product's AIOS_HOME (its own embedded Postgres, tokens, the console's session key). */
export const AUTH_E2E_HOME = resolve(import.meta.dirname, "../../.test-output/e2e-auth-home");
export const AUTH_E2E_PORTS = { api: 4200, web: 3200, grpc: 8200 } as const;
export const AUTH_API_URL = `http://127.0.0.1:${AUTH_E2E_PORTS.api}`;

/** The local admin token the launcher's bootstrap wrote (mode 0600) in token mode. */
export function localAdminToken(): string {
  return readFileSync(join(AUTH_E2E_HOME, "tokens", "admin"), "utf8").trim();
}

/** Issues a token through the API as the local admin (`tokens.create`); answers its id and secret. */
export async function issueToken(role: "viewer" | "operator" | "admin", name: string) {
  const res = await fetch(`${AUTH_API_URL}/trpc/tokens.create`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${localAdminToken()}` },
    body: JSON.stringify({ name, role }),
  });
  const body = (await res.json()) as { result?: { data?: { id: string; token: string } } };
  const issued = body.result?.data;
  if (!res.ok || !issued) throw new Error(`tokens.create answered ${res.status}: ${JSON.stringify(body)}`);
  return issued;
}
