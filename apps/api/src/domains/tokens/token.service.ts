import { randomBytes } from "node:crypto";
import { parseExpiresIn, type TApiTokenIssued, type ZTokenCreateRequest } from "@aios/contracts";
import { type Db, sqlOf } from "@aios/db";
import type { z } from "zod";
import type { Role } from "../../auth/principal";
import type { ActiveToken } from "../../auth/resolve-principal";
import { hashToken } from "../../auth/token-hash";
import { batchedLookup } from "../../batched-lookup";
import { NotFoundError, UserError } from "../../errors";
import { TOKEN_PUBLIC_COLUMNS, toTokenRecord } from "./token.registry";
import type { StoredToken, TokenCache } from "./token-cache";

/** `lastUsedAt` is written at most this often per token, so a busy key does not write on every call. */
export const LAST_USED_EVERY_MS = 60_000;

export interface IssueOptions {
  name: string;
  role: Role;
  scope?: string | null;
  scopes?: string[];
  expiresAt?: Date | null;
}

/** A new token's secret: `aios_` and 192 random bits. */
export const newSecret = () => `aios_${randomBytes(24).toString("base64url")}`;

/** When a token given `expiresIn` (`30d`, `1h`) expires; null when it is not given. */
export function expiryOf(expiresIn: string | undefined, field: string, now = new Date()): Date | null {
  if (expiresIn === undefined) return null;
  const parsed = parseExpiresIn(expiresIn);
  if (!parsed.ok) throw UserError.field(field, parsed.error);
  return new Date(now.getTime() + parsed.ms);
}

/**
 * API tokens: only their SHA-256 is stored; the token itself is shown once, when it is issued.
 * Without `cache`, a token is read from the database on every request. With it (the API's main:
 * `token-cache.ts`), a token read is kept while PostgreSQL tells the process of every change to
 * tokens, so a revocation still holds from the next request on once its notification arrived
 * (milliseconds). Expiry is checked on every request either way.
 */
export function createTokenService(db: Db, cache?: TokenCache) {
  const touchedAt = new Map<string, number>();
  /**
   * Every API call reads its token: the look-ups asked for in one turn of the event loop, or while
   * the previous statement was on its way, share one (`batchedLookup`: never a cache, each reads
   * the database after it was asked for), in plain SQL (Prisma costs about 0.5 ms of CPU a statement).
   */
  const byHash = batchedLookup(async (hashes) => {
    const rows = await sqlOf(db).query<StoredToken & { tokenHash: string }>(
      `SELECT token_hash AS "tokenHash", id, role, scope, scopes, expires_at AS "expiresAt",
              revoked_at AS "revokedAt"
         FROM api_tokens WHERE token_hash = ANY($1::text[])`,
      [hashes],
    );
    return new Map(rows.map(({ tokenHash, ...token }) => [tokenHash, token]));
  });

  const issue = async (opts: IssueOptions) => {
    const token = newSecret();
    const row = await db.apiToken.create({
      data: {
        name: opts.name,
        role: opts.role,
        scope: opts.scope ?? null,
        scopes: opts.scopes ?? [],
        expiresAt: opts.expiresAt ?? null,
        tokenHash: hashToken(token),
      },
      select: TOKEN_PUBLIC_COLUMNS,
    });
    return { id: row.id, token, record: toTokenRecord(row) };
  };

  return {
    /** The unrevoked, unexpired token with this hash, or null. */
    async findActive(tokenHash: string): Promise<ActiveToken | null> {
      const token = cache
        ? (cache.get(tokenHash) ?? (await cache.read(tokenHash, () => byHash(tokenHash))))
        : await byHash(tokenHash);
      if (!token || token.revokedAt) return null;
      if (token.expiresAt && token.expiresAt.getTime() <= Date.now()) return null;
      return token;
    },

    /**
     * Notes a use: at most one write a minute per token (skipped in this process, and guarded in
     * SQL across processes). Resolves when the write is done; callers need not wait for it.
     */
    async markUsed(tokenId: string, now = Date.now()): Promise<void> {
      const last = touchedAt.get(tokenId);
      if (last !== undefined && now - last < LAST_USED_EVERY_MS) return;
      touchedAt.set(tokenId, now);
      if (touchedAt.size > 10_000) {
        for (const [id, at] of touchedAt) if (now - at >= LAST_USED_EVERY_MS) touchedAt.delete(id);
      }
      const cutoff = new Date(now - LAST_USED_EVERY_MS);
      // Best effort: a lost write only leaves lastUsedAt older; it must never fail the request.
      await db.apiToken
        .updateMany({
          where: { id: tokenId, OR: [{ lastUsedAt: null }, { lastUsedAt: { lte: cutoff } }] },
          data: { lastUsedAt: new Date(now) },
        })
        .catch(() => undefined);
    },

    issue,

    /** `tokens.create`: a viewer, operator, admin or data token; its secret is in the answer only. */
    async create(input: z.output<typeof ZTokenCreateRequest>): Promise<TApiTokenIssued> {
      const { name, role, expiresIn, scopes } = input;
      const issued = await issue({ name, role, scopes, expiresAt: expiryOf(expiresIn, "expiresIn") });
      return { ...issued.record, token: issued.token };
    },

    /** Revokes a token; revoking it again changes nothing and answers the same record. */
    async revoke(id: string) {
      const now = new Date();
      await db.apiToken.updateMany({ where: { id, revokedAt: null }, data: { revokedAt: now } });
      // This process's next request already reads it again; the others hear it from PostgreSQL.
      cache?.forget(id);
      const row = await db.apiToken.findUnique({ where: { id }, select: TOKEN_PUBLIC_COLUMNS });
      if (!row) throw new NotFoundError("API token", id, "id");
      return toTokenRecord(row);
    },
  };
}

export type TokenService = ReturnType<typeof createTokenService>;
