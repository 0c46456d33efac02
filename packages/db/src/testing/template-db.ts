// One migrated TEMPLATE database per server (`aios_template`), cloned per test file with
// CREATE DATABASE ... TEMPLATE (a file-level copy: tens of ms instead of a ~1.5 s migrate).
// The template's COMMENT holds a hash of prisma/migrations: a changed migration triggers a
// rebuild. Builders serialise on a Postgres advisory lock so parallel workers do not race.
import pg from "pg";
import { migrateDeploy, migrationsHash } from "../migrate";
import { withDatabase } from "../server/ensure-database";

export const TEMPLATE_DB = "aios_template";
const LOCK_KEY = 0x41105db; // arbitrary constant: "AIOS db" template build lock
const marker = (hash: string) => `aios-migrations:${hash}`;

async function templateComment(client: pg.Client): Promise<string | undefined> {
  const res = await client.query<{ c: string | null }>(
    "SELECT shobj_description(oid, 'pg_database') AS c FROM pg_database WHERE datname = $1",
    [TEMPLATE_DB],
  );
  return res.rows[0]?.c ?? undefined;
}

/** Ensures `aios_template` exists and matches the current migrations; returns build ms (0 if reused). */
export async function ensureTemplate(adminUrl: string): Promise<number> {
  const want = marker(await migrationsHash());
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    if ((await templateComment(client)) === want) return 0; // fast path, no lock
    // Advisory locks are scoped to the current database: every caller uses adminUrl's.
    await client.query("SELECT pg_advisory_lock($1)", [LOCK_KEY]);
    try {
      if ((await templateComment(client)) === want) return 0; // built while we waited
      const started = Date.now();
      const name = client.escapeIdentifier(TEMPLATE_DB);
      const exists = await client.query("SELECT 1 FROM pg_database WHERE datname = $1", [TEMPLATE_DB]);
      if (exists.rowCount) {
        await client.query(`ALTER DATABASE ${name} IS_TEMPLATE false`);
        await client.query(`DROP DATABASE ${name} WITH (FORCE)`);
      }
      await client.query(`CREATE DATABASE ${name}`);
      await migrateDeploy(withDatabase(adminUrl, TEMPLATE_DB));
      await client.query(`ALTER DATABASE ${name} IS_TEMPLATE true`);
      // Written last: a build that dies half-way leaves no marker and is redone next time.
      await client.query(`COMMENT ON DATABASE ${name} IS ${client.escapeLiteral(want)}`);
      return Date.now() - started;
    } finally {
      await client.query("SELECT pg_advisory_unlock($1)", [LOCK_KEY]);
    }
  } finally {
    await client.end();
  }
}

/** CREATE DATABASE <name> TEMPLATE aios_template. */
export async function cloneTemplate(adminUrl: string, name: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const db = client.escapeIdentifier(name);
    await client.query(`CREATE DATABASE ${db} TEMPLATE ${client.escapeIdentifier(TEMPLATE_DB)}`);
  } finally {
    await client.end();
  }
}

export async function dropDatabase(adminUrl: string, name: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(`DROP DATABASE IF EXISTS ${client.escapeIdentifier(name)} WITH (FORCE)`);
  } finally {
    await client.end();
  }
}
