import { randomBytes } from "node:crypto";
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const KEY_BYTES = 32;

/**
 * The key that seals session cookies, kept server-side only: `<dataDir>/session-key` (0600, made
 * on first use; `wx` so two route bundles starting at once agree on one key), or without a data
 * directory a key held in memory for the life of the process (sessions end at a restart).
 */
export function loadSessionKey(dataDir: string | undefined): Buffer {
  if (dataDir === undefined) return processKey();
  const path = join(dataDir, "session-key");
  // An existing key is only read: it may be mounted read-only (one key shared by several consoles).
  if (!existsSync(path)) {
    mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    try {
      writeFileSync(path, randomBytes(KEY_BYTES).toString("base64"), { flag: "wx", mode: 0o600 });
      chmodSync(path, 0o600);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
    }
  }
  const key = Buffer.from(readFileSync(path, "utf8").trim(), "base64");
  if (key.length !== KEY_BYTES) {
    throw new Error(
      `${path}: a session key must be ${KEY_BYTES} bytes in base64; delete the file to make a new one`,
    );
  }
  return key;
}

/** One key per process, shared by every route bundle of the server (they share globalThis). */
const PROCESS_KEY = Symbol.for("aios.console.sessionKey");

function processKey(): Buffer {
  const holder = globalThis as { [PROCESS_KEY]?: Buffer };
  holder[PROCESS_KEY] ??= randomBytes(KEY_BYTES);
  return holder[PROCESS_KEY];
}
