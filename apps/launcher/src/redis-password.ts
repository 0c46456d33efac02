import { randomBytes } from "node:crypto";
import { chmodSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";

/**
 * The password of a Redis that listens off loopback, kept in `file` (mode 0600, only its owner reads
 * it): read when it exists, else made at random once and written. base64url: no character Redis's
 * config file or a URL would need escaped.
 */
export function redisPassword(file: string): string {
  if (existsSync(file)) {
    const kept = readFileSync(file, "utf8").trim();
    if (!kept)
      throw new Error(`${file} is empty: remove it (a new password is made) or write the password in it`);
    if ((statSync(file).mode & 0o077) !== 0) chmodSync(file, 0o600);
    return kept;
  }
  const made = randomBytes(24).toString("base64url");
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, `${made}\n`, { mode: 0o600 });
  chmodSync(file, 0o600);
  return made;
}
