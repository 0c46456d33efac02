import { z } from "zod";
import { CONSOLE_ROLES, type ConsoleRole, type TSession } from "./session-seal";
import { askWhoami } from "./whoami";

export const ZSignInRequest = z.object(
  {
    token: z
      .string({ message: "token: paste an API token" })
      .trim()
      .min(1, "token: paste an API token")
      .max(512, "token: an API token is at most 512 characters")
      .regex(/^\S+$/, "token: an API token has no spaces"),
  },
  { error: 'token: paste an API token (a JSON body {"token": "aios_…"})' },
);

export type SignInResult =
  | { ok: true; session: Omit<TSession, "expiresAt"> }
  | { ok: false; status: 400 | 401 | 403 | 502; message: string };

const isConsoleRole = (role: string): role is ConsoleRole =>
  (CONSOLE_ROLES as readonly string[]).includes(role);

/** Checks a pasted token with the API (`auth.whoami`); only a viewer, operator or admin token signs in. */
export async function signIn(body: unknown): Promise<SignInResult> {
  const parsed = ZSignInRequest.safeParse(body);
  if (!parsed.success)
    return { ok: false, status: 400, message: parsed.error.issues[0]?.message ?? "token: invalid" };
  const { token } = parsed.data;
  const who = await askWhoami(token);
  if (!who.ok) return { ok: false, status: 502, message: who.message };
  const principal = who.answer.principal;
  if (!principal?.tokenId) {
    return {
      ok: false,
      status: 401,
      message: "token: the API does not accept this token (unknown, revoked or expired)",
    };
  }
  if (!isConsoleRole(principal.role)) {
    return {
      ok: false,
      status: 403,
      message: `token: a ${principal.role} token cannot sign in to the console; use a viewer, operator or admin token`,
    };
  }
  return {
    ok: true,
    session: { token, role: principal.role, name: principal.name, tokenId: principal.tokenId },
  };
}
