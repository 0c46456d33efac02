import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Role } from "../../auth/principal";
import { hashToken } from "../../auth/token-hash";
import type { TokenService } from "./token.service";

/** The tokens a single-machine install needs, each kept in a 0600 file under AIOS_HOME/tokens. */
export const LOCAL_TOKENS = {
  admin: { role: "admin", file: "admin" },
  agent: { role: "agent", file: "agent" },
  console: { role: "operator", file: "console" },
} as const satisfies Record<string, { role: Role; file: string }>;

/** Reuses a token file whose token is still active; issues (and writes) a new one otherwise. */
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
  return issued;
}
