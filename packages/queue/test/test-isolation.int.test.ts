import { Redis } from "ioredis";
import { afterAll, describe, expect, it } from "vitest";
import { connectQueueBackend, type QueueBackend } from "../src/backend";
import { allocateTestRedisDb, TEST_DB_COUNTER } from "../src/testing";

const base = process.env.AIOS_TEST_REDIS_BASE_URL;
const backends: QueueBackend[] = [];
afterAll(async () => {
  await Promise.all(backends.map((b) => b.close()));
});

describe.skipIf(!base)("each integration test file has a Redis database of its own", () => {
  it("the file's AIOS_TEST_REDIS_URL names a database other than the shared 0", () => {
    const db = new URL(process.env.AIOS_TEST_REDIS_URL ?? "").pathname;
    expect(db).toMatch(/^\/[1-9]\d*$/);
  });

  it("hands out distinct, empty databases, so same-named queues never share jobs", async () => {
    const a = await allocateTestRedisDb(base as string);
    const b = await allocateTestRedisDb(base as string);
    expect(a.db).not.toBe(b.db);

    const [qa, qb] = [a, b].map((x) => {
      const backend = connectQueueBackend({ kind: "redis", url: x.url });
      backends.push(backend);
      return backend.queue<{ n: number }>("cluster.same-name");
    });
    await qa?.add("job", { n: 1 }, { jobId: "j1" });
    expect(await qa?.getJob("j1")).toBeDefined();
    expect(await qb?.getJob("j1")).toBeUndefined();
    expect((await qb?.counts())?.waiting).toBe(0);
  });

  it("empties a database before handing it out again (after a wrap-around, say)", async () => {
    const first = await allocateTestRedisDb(base as string);
    const redis = new Redis(first.url);
    try {
      await redis.set("left-by-an-earlier-file", "1");
      await redis.select(0);
      await redis.decr(TEST_DB_COUNTER); // the next allocation gets the same database again
      const again = await allocateTestRedisDb(base as string);
      expect(again.db).toBe(first.db);
      await redis.select(again.db);
      expect(await redis.dbsize()).toBe(0);
    } finally {
      redis.disconnect();
    }
  });
});
