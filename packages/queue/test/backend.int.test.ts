import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { createConnection } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PostgresConnection } from "bullmq";
import { describe, expect, it } from "vitest";
import { connectQueueBackend, type QueueBackend } from "../src/backend";
import { postgresConnection } from "../src/connections";
import { startRedisServer } from "../src/redis-server";
import { asked } from "../src/replies";
import { useTestRedis } from "./test-redis";

const postgresUrl = process.env.AIOS_TEST_DATABASE_URL;

async function roundTrip(backend: QueueBackend, queueName: string) {
  const queue = backend.queue<{ n: number }>(queueName);
  const seen: number[] = [];
  const done = new Promise<void>((resolve) => {
    backend.worker<{ n: number }, number>(queueName, async (job) => {
      seen.push(job.data.n);
      if (seen.length === 3) resolve();
      return job.data.n * 2;
    });
  });
  await queue.add("double", { n: 1 }, { jobId: "one" });
  await queue.add("double", { n: 1 }, { jobId: "one" }); // same business key: deduplicated
  await queue.add("double", { n: 2 }, { jobId: "two" });
  await queue.add("double", { n: 3 }, { jobId: "three" });
  await done;
  expect(seen.sort()).toEqual([1, 2, 3]);
  const job = await queue.getJob("two");
  await expect.poll(async () => (await queue.getJob("two"))?.returnvalue).toBe(4);
  expect(job?.data).toEqual({ n: 2 });
}

describe("queue backend on Redis", () => {
  const url = useTestRedis("aios-redis-");

  it("delivers each job once per jobId and stores its result", async () => {
    const backend = connectQueueBackend({ kind: "redis", url: url() });
    try {
      await roundTrip(backend, `test-${Date.now()}`);
    } finally {
      await backend.close();
    }
  });

  it("stops a stale redis-server left by a killed run before starting a new one", async () => {
    const dir = mkdtempSync(join(tmpdir(), "aios-redis-stale-"));
    try {
      const first = await startRedisServer({ dir });
      process.kill(first.pid, 0);
      const second = await startRedisServer({ dir }); // first one's pid file is still there
      await expect.poll(() => alive(first.pid)).toBe(false);
      await second.stop();
      await first.stop();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("a private redis-server behind a password", () => {
  it("refuses a client without the password, serves one with it, and keeps it off the command line", async () => {
    const dir = mkdtempSync(join(tmpdir(), "aios-redis-auth-"));
    const server = await startRedisServer({ dir, password: "grid-secret_1" });
    const backend = connectQueueBackend({ kind: "redis", url: server.url });
    try {
      expect(server.url).toMatch(/^redis:\/\/:grid-secret_1@127\.0\.0\.1:\d+$/);
      expect(await firstReply(server.port, "PING\r\n")).toMatch(/^-NOAUTH/);
      await roundTrip(backend, `auth-${Date.now()}`);
      // The reply channel's own connections authenticate too.
      const queueName = `auth-replies-${Date.now()}`;
      backend.worker<{ n: number }, number>(queueName, async (job) => job.data.n + 1);
      await expect
        .poll(() => {
          const probe = backend.replies.expect(queueName, "probe");
          probe.cancel();
          return probe.live;
        })
        .toBe(true);
      const reply = backend.replies.expect(queueName, "asked");
      await backend.queue<{ n: number }>(queueName).add("inc", asked({ n: 41 }), { jobId: "asked" });
      expect(await reply.answer).toBe(42);
      expect(readFileSync(`/proc/${server.pid}/cmdline`, "utf8")).not.toContain("grid-secret_1");
      expect(statSync(join(dir, "redis-auth.conf")).mode & 0o777).toBe(0o600);
    } finally {
      await backend.close();
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

/** The first line a Redis answers to `command`, sent raw over TCP on loopback. */
function firstReply(port: number, command: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = createConnection({ host: "127.0.0.1", port }, () => socket.write(command));
    socket.setEncoding("utf8");
    socket.once("data", (data: string) => {
      socket.destroy();
      resolve(data.split("\r\n")[0] ?? "");
    });
    socket.once("error", reject);
  });
}

describe.runIf(postgresUrl)("queue backend on PostgreSQL", () => {
  it("delivers each job once per jobId and stores its result", async () => {
    const backend = connectQueueBackend({ kind: "postgres", url: postgresUrl ?? "" });
    try {
      await roundTrip(backend, `test-${Date.now()}`);
    } finally {
      await backend.close();
    }
  });

  it("connects in schema bullmq, its sessions committing asynchronously", async () => {
    // As BullMQ builds its pool from these settings (its search_path added to our options).
    const connection = new PostgresConnection(postgresConnection(postgresUrl ?? ""));
    try {
      const { rows } = await connection.pool.query(
        "SELECT current_setting('synchronous_commit') AS commits, current_setting('search_path') AS path",
      );
      expect(rows[0]).toEqual({ commits: "off", path: '"bullmq"' });
    } finally {
      await connection.close();
    }
  });
});

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
