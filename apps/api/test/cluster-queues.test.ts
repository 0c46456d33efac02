import { type QueueBackend, REPLY_WANTED } from "@aios/queue";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import {
  ASK_POLL_MAX_MS,
  ASK_POLL_REPLY_MIN_MS,
  askPauseMs,
  createClusterQueues,
} from "../src/domains/queues/cluster-queues";

/**
 * A queue whose asked job is answered `answerAfterMs` after it was added; counts the reads.
 * `reply`: the reply channel listens, and the answer is also sent on it (`"message"`), or never
 * (`"lost"`: the message did not arrive).
 */
function answeredAfter(answerAfterMs: number, reply?: "message" | "lost") {
  const state = { reads: 0, addedAt: 0, added: [] as unknown[], waiting: 0, removed: 0 };
  const resolvers = new Set<(v: unknown) => void>();
  const replies = {
    expect: () => {
      let resolve!: (v: unknown) => void;
      const answer = new Promise((r) => {
        resolve = r;
      });
      resolvers.add(resolve);
      state.waiting = resolvers.size;
      return {
        answer,
        live: reply !== undefined,
        cancel: () => {
          resolvers.delete(resolve);
          state.waiting = resolvers.size;
        },
      };
    },
  };
  const queue = {
    name: "cluster.c",
    add: async (_name: string, data: unknown) => {
      state.addedAt = Date.now();
      state.added.push(data);
      if (reply === "message" && Number.isFinite(answerAfterMs)) {
        setTimeout(() => {
          for (const r of resolvers) r("pong by message");
        }, answerAfterMs);
      }
      return {} as never;
    },
    getJob: async () => {
      state.reads++;
      return (
        Date.now() - state.addedAt >= answerAfterMs
          ? {
              finishedOn: Date.now(),
              returnvalue: "pong",
              remove: async () => {
                state.removed++;
              },
            }
          : {}
      ) as never;
    },
    counts: async () => ({}),
    close: async () => undefined,
  };
  const backend = { kind: "redis", queue: () => queue, replies } as unknown as QueueBackend;
  return { queues: createClusterQueues(backend), state };
}

const ping = { type: "cluster.ping" as const, requestedAt: "2030-01-01T00:00:00.000Z" };

describe("ask: how soon the API sees an agent's answer", () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it("reads every millisecond at first, then after a quarter of the time waited, at most 100 ms apart", () => {
    expect([0, 3, 8, 40, 400, 10_000].map((w) => askPauseMs(w))).toEqual([
      1,
      1,
      2,
      10,
      ASK_POLL_MAX_MS,
      ASK_POLL_MAX_MS,
    ]);
  });

  it("sees an answer given within milliseconds within a millisecond or two", async () => {
    const { queues, state } = answeredAfter(3);
    let answeredAt = 0;
    const answer = queues.ask("c", ping).then((a) => {
      answeredAt = Date.now() - state.addedAt;
      return a;
    });
    await vi.advanceTimersByTimeAsync(50);
    expect(await answer).toBe("pong");
    expect(answeredAt).toBeLessThanOrEqual(4);
    expect(state.reads).toBeLessThanOrEqual(5);
  });

  it("sees a slow answer at most a quarter late, and reads no more than every 100 ms after a while", async () => {
    for (const [after, latest] of [
      [40, 50],
      [5_000, 5_100],
    ] as const) {
      const { queues, state } = answeredAfter(after);
      let answeredAt = 0;
      const answer = queues.ask("c", ping).then(() => {
        answeredAt = Date.now() - state.addedAt;
      });
      await vi.advanceTimersByTimeAsync(after + 200);
      await answer;
      expect(answeredAt).toBeLessThanOrEqual(latest);
      // 40 ms: 17 reads (before: 1, the answer seen at 100 ms). 5 s: 28 reads in the first 0.4 s,
      // then one every 100 ms (74 in all; before: 51).
      expect(state.reads).toBeLessThanOrEqual(after < 100 ? 20 : 30 + (after - 400) / 100 + 2);
    }
  });

  it("gives up after its timeout, naming the agent", async () => {
    const { queues } = answeredAfter(Number.POSITIVE_INFINITY);
    const answer = queues.ask("c", ping, 1_000).catch((err: Error) => err.message);
    await vi.advanceTimersByTimeAsync(1_200);
    expect(await answer).toBe("the agent of cluster c did not answer cluster.ping within 1000 ms");
  });
});

describe("ask by the reply channel", () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it("marks the job as asked and takes the answer from the message, without reading the job", async () => {
    const { queues, state } = answeredAfter(3, "message");
    let answeredAt = 0;
    const answer = queues.ask("c", ping).then((a) => {
      answeredAt = Date.now() - state.addedAt;
      return a;
    });
    await vi.advanceTimersByTimeAsync(50);
    expect(await answer).toBe("pong by message");
    expect(answeredAt).toBe(3);
    expect(state.reads).toBe(0);
    expect(state.added).toEqual([{ ...ping, [REPLY_WANTED]: true }]);
    expect(state.waiting).toBe(0);
  });

  it("reads the finished job when no message comes, first after 20 ms, then as without the channel", async () => {
    expect([0, 40, 100, 400, 10_000].map((w) => askPauseMs(w, true))).toEqual([
      ASK_POLL_REPLY_MIN_MS,
      ASK_POLL_REPLY_MIN_MS,
      25,
      ASK_POLL_MAX_MS,
      ASK_POLL_MAX_MS,
    ]);
    const { queues, state } = answeredAfter(3, "lost");
    let answeredAt = 0;
    const answer = queues.ask("c", ping).then((a) => {
      answeredAt = Date.now() - state.addedAt;
      return a;
    });
    await vi.advanceTimersByTimeAsync(100);
    expect(await answer).toBe("pong");
    expect(answeredAt).toBe(ASK_POLL_REPLY_MIN_MS);
    expect(state.reads).toBe(1);
    expect(state.waiting).toBe(0);
  });

  it("does not ask for a message when the answer is to be forgotten, and stops waiting at its timeout", async () => {
    const forgotten = answeredAfter(3, "message");
    const answer = forgotten.queues.ask("c", ping, 10_000, { forget: true });
    await vi.advanceTimersByTimeAsync(50);
    expect(await answer).toBe("pong");
    expect(forgotten.state.added).toEqual([ping]);
    expect(forgotten.state.removed).toBe(1);

    const silent = answeredAfter(Number.POSITIVE_INFINITY, "message");
    const late = silent.queues.ask("c", ping, 1_000).catch((err: Error) => err.message);
    await vi.advanceTimersByTimeAsync(1_200);
    expect(await late).toMatch(/did not answer cluster.ping within 1000 ms/);
    expect(silent.state.waiting).toBe(0);
  });
});
