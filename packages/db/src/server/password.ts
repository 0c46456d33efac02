import { randomBytes } from "node:crypto";
import { chmod, mkdir, readFile, stat, writeFile } from "node:fs/promises";
import path from "node:path";
import pg from "pg";

/** The superuser password of a data directory made before passwords were random. */
export const LEGACY_PASSWORD = "postgres";

/**
 * The superuser password kept in `file` (mode 0600, only its owner reads it): read when the file
 * exists (its mode tightened if it was looser), else a new random one, not yet written (`isNew`):
 * the caller writes it with `keepPassword` once the server has it.
 */
export async function readOrNewPassword(file: string): Promise<{ password: string; isNew: boolean }> {
  try {
    const password = (await readFile(file, "utf8")).trim();
    if (!password)
      throw new Error(`${file} is empty: remove it (a new password is made) or write the password in it`);
    if (((await stat(file)).mode & 0o077) !== 0) await chmod(file, 0o600);
    return { password, isNew: false };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "ENOENT") throw err;
    return { password: randomBytes(24).toString("base64url"), isNew: true };
  }
}

/** Writes the password to `file`, mode 0600 (its directory made if missing). */
export async function keepPassword(file: string, password: string): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, `${password}\n`, { mode: 0o600 });
  await chmod(file, 0o600); // writeFile's mode applies only to a file it creates
}

const INVALID_PASSWORD = "28P01";

/** Connects to the `postgres` database as `user`; null when the server refuses the password. */
async function connectAs(port: number, user: string, password: string): Promise<pg.Client | null> {
  const client = new pg.Client({ host: "127.0.0.1", port, user, password, database: "postgres" });
  try {
    await client.connect();
    return client;
  } catch (err) {
    await client.end().catch(() => {});
    if ((err as { code?: string }).code === INVALID_PASSWORD) return null;
    throw err;
  }
}

/**
 * Makes sure the server takes `password`. A data directory initialised with the old fixed password
 * (`postgres`) gets `password` instead: reached with the old one, its role's password is changed.
 * When neither is taken the password is lost: the error says which file to restore or which
 * directory to remove.
 */
export async function ensureRolePassword(
  server: { port: number; user: string; dataDir: string },
  password: string,
  file: string,
): Promise<"kept" | "replaced-legacy"> {
  const current = await connectAs(server.port, server.user, password);
  if (current) {
    await current.end();
    return "kept";
  }
  const legacy = await connectAs(server.port, server.user, LEGACY_PASSWORD);
  if (!legacy)
    throw new Error(
      `PostgreSQL in ${server.dataDir} refuses the password in ${file}: put the password it was made ` +
        `with back in ${file}, or remove ${server.dataDir} to start with an empty database`,
    );
  try {
    await legacy.query(
      `ALTER ROLE ${legacy.escapeIdentifier(server.user)} PASSWORD ${legacy.escapeLiteral(password)}`,
    );
  } finally {
    await legacy.end();
  }
  return "replaced-legacy";
}
