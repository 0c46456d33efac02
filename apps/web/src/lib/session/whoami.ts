import { apiBase } from "../api-proxy";

/** The API's `auth.whoami` answer (apps/api/src/domains/auth/whoami.types.ts). */
export interface WhoamiAnswer {
  mode: "open" | "token";
  principal: { role: string; name: string | null; tokenId: string | null; scope: string | null } | null;
}

export type WhoamiResult =
  | { ok: true; answer: WhoamiAnswer }
  | { ok: false; status: number; message: string };

/** Asks the API who the bearer of `token` is (or, without one, whether anonymous callers are admins). */
export async function askWhoami(token: string | undefined, signal?: AbortSignal): Promise<WhoamiResult> {
  let res: Response;
  try {
    res = await fetch(`${apiBase()}/trpc/auth.whoami`, {
      headers: token ? { authorization: `Bearer ${token}` } : {},
      cache: "no-store",
      signal,
    });
  } catch (err) {
    const reason = err instanceof Error ? (err.cause instanceof Error ? err.cause.message : err.message) : "";
    return {
      ok: false,
      status: 502,
      message: `API unreachable at ${apiBase()}${reason ? ` (${reason})` : ""}`,
    };
  }
  const body = (await res.json().catch(() => null)) as {
    result?: { data?: WhoamiAnswer };
    error?: { message?: string };
  } | null;
  const answer = body?.result?.data;
  if (!res.ok || !answer) {
    return {
      ok: false,
      status: 502,
      message: body?.error?.message ?? `the API answered ${res.status} to auth.whoami`,
    };
  }
  return { ok: true, answer };
}
