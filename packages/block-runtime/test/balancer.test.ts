import { createLogger } from "@aios/service-kit";
import { describe, expect, it } from "vitest";
import { Balancer, RoundRobin, untried } from "../src/executor/balancer";
import type { InstanceRecord } from "../src/mapper";
import type { BlockPolicy } from "../src/policies";

const log = createLogger({ test: "balancer" }, { write: () => {} });
const rec = (id: string) =>
  ({ id, state: "healthy", inFlight: 0, stats: { completed: 0 } }) as unknown as InstanceRecord;
const packet = { session_id: "s", seq_no: 0, data: {}, ts: 0 };
const policy = (evalFn: (input: unknown) => unknown): BlockPolicy => ({
  uri: "test.lb",
  settings: {},
  eval: async (input) => evalFn(input),
  management: async () => ({}),
  dispose: () => {},
});

describe("round robin", () => {
  it("takes each candidate in turn and handles an empty list", () => {
    const rr = new RoundRobin();
    expect([1, 2, 3, 4, 5, 6, 7].map(() => rr.pick(["a", "b", "c"]))).toEqual([
      "a",
      "b",
      "c",
      "a",
      "b",
      "c",
      "a",
    ]);
    expect(rr.pick([])).toBeUndefined();
  });
});

describe("retry selection", () => {
  it("offers only the instances the task has not tried", () => {
    const all = [rec("a"), rec("b"), rec("c")];
    expect(untried(all, new Set())).toBe(all);
    const [a, b, c] = all as [ReturnType<typeof rec>, ReturnType<typeof rec>, ReturnType<typeof rec>];
    expect(untried(all, new Set([a, c])).map((r) => r.id)).toEqual(["b"]);
    expect(untried(all, new Set([a, b, c]))).toEqual([]);
    // An instance restarted under its id is a new record: worth a try.
    expect(untried([rec("a"), b], new Set([a, b])).map((r) => r.id)).toEqual(["a"]);
  });
});

describe("Balancer", () => {
  it("uses round robin without a policy", async () => {
    const b = new Balancer("blk", undefined, log);
    const c = [rec("a"), rec("b")];
    expect([(await b.pick(c, packet))?.id, (await b.pick(c, packet))?.id]).toEqual(["a", "b"]);
    expect(await b.pick([], packet)).toBeUndefined();
  });

  it("obeys the policy, with the protocol's input", async () => {
    let seen: unknown;
    const pickSecond = (input: unknown) => {
      seen = input;
      return { instanceId: "b" };
    };
    const b = new Balancer("blk", policy(pickSecond), log);
    expect((await b.pick([rec("a"), rec("b")], packet))?.id).toBe("b");
    expect(seen).toMatchObject({
      mode: "load_balance",
      blockId: "blk",
      packet,
      instances: [{ id: "a", inFlight: 0 }, { id: "b" }],
    });
  });

  it("falls back to round robin when the policy fails or names an unknown instance", async () => {
    const unknown = new Balancer(
      "blk",
      policy(() => ({ instanceId: "zzz" })),
      log,
    );
    expect((await unknown.pick([rec("a")], packet))?.id).toBe("a");
    expect(unknown.policyErrors).toBe(1);
    const throwing = new Balancer(
      "blk",
      policy(() => {
        throw new Error("bad");
      }),
      log,
    );
    expect((await throwing.pick([rec("a")], packet))?.id).toBe("a");
    expect(throwing.lastPolicyError).toBe("bad");
  });
});
