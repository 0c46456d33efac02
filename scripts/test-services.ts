import { chmodSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startPostgres } from "@aios/db";
import { startRedisServer } from "@aios/queue";
import { TEST_REDIS_DATABASES } from "@aios/queue/testing";

/**
 * Vitest global setup of the integration project: one real PostgreSQL and one real Redis for the
 * whole run. Each test file gets its own database (createTestDatabase) and its own Redis database
 * (scripts/test-file-setup.ts). Set AIOS_TEST_DATABASE_URL and AIOS_TEST_REDIS_URL to use servers of
 * your own instead; the tests then use that Redis's databases 1 and up, emptying each they take.
 */
export default async function setup() {
  const stops: Array<() => Promise<void>> = [];
  const dir = mkdtempSync(join(tmpdir(), "aios-test-"));
  chmodSync(dir, 0o755); // the embedded Postgres runs as its own OS user and must reach its data dir
  if (!process.env.AIOS_TEST_DATABASE_URL) {
    const pg = await startPostgres({ dataDir: join(dir, "postgres") });
    stops.push(() => pg.stop());
    process.env.AIOS_TEST_DATABASE_URL = pg.url;
  }
  if (!process.env.AIOS_TEST_REDIS_URL) {
    const redis = await startRedisServer({ dir: join(dir, "redis"), databases: TEST_REDIS_DATABASES });
    stops.push(() => redis.stop());
    process.env.AIOS_TEST_REDIS_URL = redis.url;
  }
  // Each test file's setup derives its own database from this one.
  process.env.AIOS_TEST_REDIS_BASE_URL = process.env.AIOS_TEST_REDIS_URL;
  return async () => {
    for (const stop of stops.reverse()) await stop();
    rmSync(dir, { recursive: true, force: true });
  };
}
