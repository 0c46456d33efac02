import { randomBytes } from "node:crypto";
import { chmodSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";

/**
 * A secret the launcher keeps in `file` (mode 0600, only its owner reads it): read when it exists,
 * else made once by `make` and written.
 */
export function keptSecret(file: string, make: () => string): string {
  if (existsSync(file)) {
    const kept = readFileSync(file, "utf8").trim();
    if (!kept) throw new Error(`${file} is empty: remove it (a new one is made) or write the secret in it`);
    if ((statSync(file).mode & 0o077) !== 0) chmodSync(file, 0o600);
    return kept;
  }
  const made = make();
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, `${made}\n`, { mode: 0o600 });
  chmodSync(file, 0o600);
  return made;
}

/**
 * The password of a Redis that listens off loopback. base64url: no character Redis's config file
 * or a URL would need escaped.
 */
export const redisPassword = (file: string) => keptSecret(file, () => randomBytes(24).toString("base64url"));

/**
 * The key the API seals stored credentials with (AIOS_SECRETS_KEY), when none is given: made once
 * per home. Losing the file loses the stored credentials (give them again); keep it with backups.
 */
export const secretsKey = (file: string) => keptSecret(file, () => randomBytes(32).toString("base64"));
