import pg from "pg";

/** Same server, another database: returns `url` with its path replaced by `database`. */
export function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${encodeURIComponent(database)}`;
  return u.toString();
}

/**
 * Creates database `name` on the server of `url` if it does not exist yet (connects to the
 * `postgres` maintenance DB). Safe against concurrent callers. Returns true if it created it.
 */
export async function ensureDatabase(url: string, name: string, template?: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: withDatabase(url, "postgres") });
  await client.connect();
  try {
    const found = await client.query("SELECT 1 FROM pg_database WHERE datname = $1", [name]);
    if (found.rowCount) return false;
    // Identifiers cannot be bound parameters; escapeIdentifier quotes them safely.
    const from = template ? ` TEMPLATE ${client.escapeIdentifier(template)}` : "";
    await client.query(`CREATE DATABASE ${client.escapeIdentifier(name)}${from}`);
    return true;
  } catch (e) {
    // 42P04 duplicate_database, 23505 a concurrent CREATE won the catalog race.
    const code = (e as { code?: string }).code;
    if (code === "42P04" || code === "23505") return false;
    throw e;
  } finally {
    await client.end();
  }
}
