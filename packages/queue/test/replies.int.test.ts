import { Redis } from "ioredis";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connectQueueBackend, type QueueBackend } from "../src/backend";
import { asked, REPLY_CHANNEL, REPLY_MAX_BYTES } from "../src/replies";
import { useTestRedis } from "./test-redis";

const postgresUrl = process.env.AIOS_TEST_DATABASE_URL;

type Data = { n: number; size?: number; fail?: boolean };

/** Waits until the channel listens (the first `expect` starts it). */
async function listening(backend: QueueBackend) {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const probe = backend.replies.expect("probe", "probe");
    probe.cancel();
    if (probe.live) return;
    if (Date.now() > deadline) throw new Error("the reply channel did not listen within 10 s");
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** A reply's answer, or an error when none came within 10 s. */
function within<T>(answer: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    answer,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error("no reply within 10 s")), 10_000);
    }),
  ]).finally(() => clearTimeout(timer));
}

/**
 * The reply channel over a real store: an asked job's answer comes as a message; nothing comes for
 * a job that was not asked, an answer too large, or a failure; after the listener's connection was
 * cut, it listens again by itself.
 */
function replyCases(kind: "redis" | "postgres", url: () => string, cut: (url: string) => Promise<void>) {
  let backend: QueueBackend;
  const queueName = `replies-${kind}-${Date.now()}`;
  beforeAll(async () => {
    backend = connectQueueBackend({ kind, url: url() });
    // Nothing asked yet: the listener has not connected.
    expect(backend.replies.state()).toBe("idle");
    backend.worker<Data, unknown>(
      queueName,
      async (job) => {
        if (job.data.fail) throw new Error("refused");
        return job.data.size ? { text: "x".repeat(job.data.size) } : { doubled: job.data.n * 2 };
      },
      { concurrency: 1 },
    );
    await listening(backend);
  });
  afterAll(async () => {
    await backend.close();
  });

  const finished = async (jobId: string) => {
    const queue = backend.queue<Data>(queueName);
    await expect.poll(async () => (await queue.getJob(jobId))?.finishedOn, { timeout: 10_000 }).toBeTruthy();
  };

  it("answers an asked job by message, with the processor's result", async () => {
    const reply = backend.replies.expect(queueName, "asked-1");
    expect(reply.live).toBe(true);
    await backend.queue<Data>(queueName).add("double", asked({ n: 21 }), { jobId: "asked-1" });
    expect(await within(reply.answer)).toEqual({ doubled: 42 });
  });

  it("sends nothing for a job not asked, an answer too large, or a failure", async () => {
    const queue = backend.queue<Data>(queueName);
    const silent = ["job-plain", "job-large", "job-failed"].map((id) => {
      const reply = backend.replies.expect(queueName, id);
      let came = false;
      void reply.answer.then(() => {
        came = true;
      });
      return { id, reply, came: () => came };
    });
    await queue.add("double", { n: 1 }, { jobId: "job-plain" });
    await queue.add("double", asked({ n: 1, size: REPLY_MAX_BYTES[kind] }), { jobId: "job-large" });
    await queue.add("double", asked({ n: 1, fail: true }), { jobId: "job-failed" });
    for (const s of silent) await finished(s.id);
    // Messages of one worker come in order: once a later asked job's answer is here, none of the
    // earlier ones was sent.
    const after = backend.replies.expect(queueName, "after");
    await queue.add("double", asked({ n: 2 }), { jobId: "after" });
    expect(await within(after.answer)).toEqual({ doubled: 4 });
    expect(silent.map((s) => [s.id, s.came()])).toEqual([
      ["job-plain", false],
      ["job-large", false],
      ["job-failed", false],
    ]);
    for (const s of silent) s.reply.cancel();
  });

  it("listens again after its connection was cut", async () => {
    expect(backend.replies.state()).toBe("listening");
    await cut(url());
    // The loss is seen (the listener stops being live), then it listens again by itself.
    await expect.poll(() => backend.replies.state()).toBe("connecting");
    await expect
      .poll(() => {
        const probe = backend.replies.expect("probe", "probe");
        probe.cancel();
        return probe.live;
      })
      .toBe(false);
    await listening(backend);
    expect(backend.replies.state()).toBe("listening");
    const reply = backend.replies.expect(queueName, "after-cut");
    await backend.queue<Data>(queueName).add("double", asked({ n: 5 }), { jobId: "after-cut" });
    expect(await within(reply.answer)).toEqual({ doubled: 10 });
  });
}

describe("reply channel on Redis", () => {
  replyCases("redis", useTestRedis("aios-replies-"), async (u) => {
    // Only this backend's listener: its name, on this file's database (others share the server).
    const admin = new Redis(u);
    try {
      const db = new URL(u).pathname.slice(1) || "0";
      const clients = String(await admin.call("CLIENT", "LIST", "TYPE", "pubsub"))
        .split("\n")
        .filter((line) => line.includes(` name=${REPLY_CHANNEL} `) && line.includes(` db=${db} `))
        .map((line) => /(?:^|\s)id=(\d+)/.exec(line)?.[1]);
      expect(clients).toHaveLength(1);
      await admin.call("CLIENT", "KILL", "ID", String(clients[0]));
    } finally {
      admin.disconnect();
    }
  });
});

describe.runIf(postgresUrl)("reply channel on PostgreSQL", () => {
  replyCases(
    "postgres",
    () => postgresUrl ?? "",
    async (u) => {
      const admin = new pg.Client({ connectionString: u });
      await admin.connect();
      try {
        const { rowCount } = await admin.query(
          "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1 AND query LIKE 'LISTEN%'",
          [REPLY_CHANNEL],
        );
        expect(rowCount).toBeGreaterThanOrEqual(1);
      } finally {
        await admin.end();
      }
    },
  );
});
