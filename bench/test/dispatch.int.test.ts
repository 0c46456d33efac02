import { describe, expect, it } from "vitest";
import { runScenario } from "../src/run";
import { dispatchScenario } from "../src/scenarios/dispatch";

describe("the dispatch scenarios", () => {
  for (const kind of ["redis", "postgres"] as const) {
    it(`${kind}: every ping is answered by the agent process, and nothing is left running`, async () => {
      // The scenario itself fails when an answer is not the one to its own ping.
      const outcome = await runScenario(dispatchScenario(kind, { n: 20, warmup: 5 }));
      expect(outcome).toMatchObject({
        scenario: `dispatch.${kind}`,
        ran: true,
        measured: { n: 20 },
        baseline: { n: 20, name: "bare BullMQ add + waitUntilFinished, same store" },
        target: "p50 <= 5 ms, p99 <= 25 ms",
      });
      expect(outcome.reason).toBeUndefined();
    });
  }
});
