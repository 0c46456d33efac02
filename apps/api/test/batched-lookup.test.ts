import { describe, expect, it } from "vitest";
import { batchedLookup } from "../src/batched-lookup";

/** A loader that records each batch and answers when told to. */
function loader() {
  const batches: string[][] = [];
  const answers: Array<(rows: Map<string, string>) => void> = [];
  const lookup = batchedLookup<string>(
    (keys) =>
      new Promise((resolve) => {
        batches.push(keys);
        answers.push(resolve);
      }),
  );
  const answer = (i: number) => answers[i]?.(new Map((batches[i] ?? []).map((k) => [k, `row ${k}`])));
  return { lookup, batches, answer };
}

const turn = () => new Promise((r) => setImmediate(r));

describe("batchedLookup", () => {
  it("makes the look-ups asked for in one turn in one call, each key once, and answers each caller", async () => {
    const { lookup, batches, answer } = loader();
    const asked = [lookup("a"), lookup("b"), lookup("a")];
    await turn();
    expect(batches).toEqual([["a", "b"]]);
    answer(0);
    expect(await Promise.all(asked)).toEqual(["row a", "row b", "row a"]);
  });

  it("keeps what is asked for while a call is on its way for the next one, made after that call is back", async () => {
    const { lookup, batches, answer } = loader();
    const first = lookup("a");
    await turn();
    const later = [lookup("a"), lookup("c")];
    await turn();
    // Not joined to the call under way (it was made before these were asked for): none new yet.
    expect(batches).toEqual([["a"]]);
    answer(0);
    expect(await first).toBe("row a");
    await turn();
    await turn();
    expect(batches).toEqual([["a"], ["a", "c"]]);
    answer(1);
    expect(await Promise.all(later)).toEqual(["row a", "row c"]);
  });

  it("answers undefined for a key without a row, and fails every caller of a failed call", async () => {
    const missing = batchedLookup<string>(async () => new Map());
    expect(await missing("x")).toBeUndefined();
    const failing = batchedLookup<string>(async () => {
      throw new Error("database down");
    });
    const results = await Promise.allSettled([failing("a"), failing("b")]);
    expect(results.map((r) => r.status)).toEqual(["rejected", "rejected"]);
    // The next call is made afresh.
    expect(await failing("c").catch((e: Error) => e.message)).toBe("database down");
  });
});
