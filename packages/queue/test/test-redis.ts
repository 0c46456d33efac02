import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll } from "vitest";
import { type RedisServer, startRedisServer } from "../src/redis-server";

/**
 * The Redis of a describe block: the test setup's (`AIOS_TEST_REDIS_URL`, a database of this file's
 * own) or, without one, a private redis-server started for the block and stopped after it.
 */
export function useTestRedis(prefix: string): () => string {
  const given = process.env.AIOS_TEST_REDIS_URL;
  let server: RedisServer | undefined;
  let url = given ?? "";
  const dir = mkdtempSync(join(tmpdir(), prefix));
  beforeAll(async () => {
    if (!given) {
      server = await startRedisServer({ dir });
      url = server.url;
    }
  });
  afterAll(async () => {
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  });
  return () => url;
}
