// Helpers for integration tests: a Postgres server (shared via AIOS_TEST_DATABASE_URL, or a
// private embedded one) and a fresh, migrated database per test file cloned from a template.
import { randomBytes } from "node:crypto";
import { chmod, mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { createDb, type Db } from "../client";
import { startPostgres } from "../server/embedded-postgres";
import { withDatabase } from "../server/ensure-database";
import { cloneTemplate, dropDatabase, ensureTemplate } from "./template-db";

export { cloneTemplate, dropDatabase, ensureTemplate, TEMPLATE_DB } from "./template-db";

export interface TestDatabase {
  name: string;
  url: string;
  db: Db;
  /** Disconnects `db` and drops the database. */
  drop(): Promise<void>;
}

/**
 * A new database cloned from `aios_template` (built/refreshed on first use). `adminUrl` must
 * be a role allowed to CREATE/DROP DATABASE; its database is used for the advisory lock.
 */
export async function createTestDatabase(adminUrl: string, prefix = "aios_test"): Promise<TestDatabase> {
  await ensureTemplate(adminUrl);
  const name = `${prefix}_${Date.now().toString(36)}_${randomBytes(4).toString("hex")}`;
  await cloneTemplate(adminUrl, name);
  const url = withDatabase(adminUrl, name);
  const db = createDb(url);
  return {
    name,
    url,
    db,
    drop: async () => {
      await db.$disconnect();
      await dropDatabase(adminUrl, name);
    },
  };
}

export interface TestServer {
  /** Admin URL (database `postgres`) for createTestDatabase. */
  adminUrl: string;
  /** True when this call started a private server (stop() then stops it). */
  owned: boolean;
  stop(): Promise<void>;
}

/**
 * The server for integration tests: AIOS_TEST_DATABASE_URL when set (provided by the global
 * setup), else a private embedded Postgres in a temp dir (non-durable), removed by stop().
 */
export async function startTestServer(): Promise<TestServer> {
  const shared = process.env.AIOS_TEST_DATABASE_URL;
  if (shared) return { adminUrl: withDatabase(shared, "postgres"), owned: false, stop: async () => {} };
  const dir = await mkdtemp(path.join(os.tmpdir(), "aios-db-test-"));
  await chmod(dir, 0o755); // mkdtemp makes 0700; the postgres OS user must traverse it when we are root
  const server = await startPostgres({ dataDir: path.join(dir, "data"), durable: false }).catch(async (e) => {
    await rm(dir, { recursive: true, force: true });
    throw e;
  });
  return {
    adminUrl: server.adminUrl,
    owned: true,
    stop: async () => {
      await server.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
