import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Role } from "../../auth/principal";
import { hashToken } from "../../auth/token-hash";
import type { TokenService } from "./token.service";

/**
 * The tokens a single-machine install needs, each kept in a 0600 file under AIOS_HOME/tokens. The
 * console has none: it acts with its signed-in user's token.
 */
export const LOCAL_TOKENS = {
  admin: { role: "admin", file: "admin" },
  agent: { role: "agent", file: "agent" },
} as const satisfies Record<string, { role: Role; file: string }>;

/** Token files of earlier installs that nothing may use any more: revoked, and their file removed. */
const RETIRED_TOKEN_FILES = ["console"];

/**
 * Reuses a token file whose token is still active; issues (and writes) a new one otherwise; revokes
 * a retired one (the console's shared operator token of earlier installs).
 */
export async function ensureLocalTokens(
  tokens: TokenService,
  dir: string,
  clusterId: string,
): Promise<string[]> {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const issued: string[] = [];
  for (const [name, spec] of Object.entries(LOCAL_TOKENS)) {
    const path = join(dir, spec.file);
    if (existsSync(path) && (await tokens.findActive(hashToken(readFileSync(path, "utf8").trim())))) continue;
    const scope = spec.role === "agent" ? clusterId : null;
    const { token } = await tokens.issue({ name: `local ${name}`, role: spec.role, scope });
    writeFileSync(path, `${token}\n`, { mode: 0o600 });
    chmodSync(path, 0o600);
    issued.push(name);
  }
  for (const file of RETIRED_TOKEN_FILES) {
    const path = join(dir, file);
    if (!existsSync(path)) continue;
    const retired = await tokens.findActive(hashToken(readFileSync(path, "utf8").trim()));
    if (retired) await tokens.revoke(retired.id);
    rmSync(path, { force: true });
  }
  return issued;
}
