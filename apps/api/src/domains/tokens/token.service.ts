import { randomBytes } from "node:crypto";
import type { Db } from "@aios/db";
import type { Role } from "../../auth/principal";
import { hashToken } from "../../auth/token-hash";

/** API tokens: only their SHA-256 is stored; the token itself is shown once, when it is issued. */
export function createTokenService(db: Db) {
  return {
    async findActive(tokenHash: string) {
      const token = await db.apiToken.findUnique({ where: { tokenHash } });
      if (!token || token.revokedAt) return null;
      return token;
    },
    async issue(opts: { name: string; role: Role; scope?: string | null }) {
      const token = `aios_${randomBytes(24).toString("base64url")}`;
      const row = await db.apiToken.create({
        data: { name: opts.name, role: opts.role, scope: opts.scope ?? null, tokenHash: hashToken(token) },
      });
      return { id: row.id, token };
    },
  };
}

export type TokenService = ReturnType<typeof createTokenService>;
