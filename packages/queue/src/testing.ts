// Test isolation for Redis: every integration test file gets a Redis logical database of its own,
// so BullMQ queues (same names in every file: `cluster.<id>`, ...) never see another file's jobs.
import { Redis } from "ioredis";

/** The counter (in database 0) that hands out databases to test files. */
export const TEST_DB_COUNTER = "aios:test:next-db";

/** Databases the tests' own redis-server is started with (Redis' default is 16). */
export const TEST_REDIS_DATABASES = 1024;

/** `url` with its path set to database `db` (`redis://host:port/<db>`). */
export function withRedisDb(url: string, db: number): string {
  const u = new URL(url);
  u.pathname = `/${db}`;
  return u.toString();
}

/**
 * A database of its own on the Redis at `baseUrl`, emptied, as a URL: 1, 2, 3, ... from an
 * atomic counter in database 0 (so files running in parallel never share one), wrapping around
 * the server's number of databases (an earlier file's database is then emptied first).
 * Only for a Redis that belongs to the tests.
 */
export async function allocateTestRedisDb(baseUrl: string): Promise<{ url: string; db: number }> {
  const admin = new Redis(withRedisDb(baseUrl, 0), { maxRetriesPerRequest: 1, lazyConnect: true });
  try {
    await admin.connect();
    const n = await admin.incr(TEST_DB_COUNTER);
    const databases = await serverDatabases(admin);
    const db = 1 + ((n - 1) % Math.max(1, databases - 1));
    const url = withRedisDb(baseUrl, db);
    await admin.select(db);
    await admin.flushdb();
    return { url, db };
  } finally {
    admin.disconnect();
  }
}

async function serverDatabases(redis: Redis): Promise<number> {
  try {
    const reply = (await redis.config("GET", "databases")) as string[];
    return Number(reply[1]) || 16;
  } catch {
    return 16; // CONFIG disabled (a managed Redis): assume the default
  }
}
