import { describe, expect, it } from "vitest";
import { runScenario } from "../src/run";
import { placementScenario } from "../src/scenarios/placement";

/** A fleet small enough for a test: the same rows and decisions as the bench, fewer of them. */
const small = {
  shape: { clusters: 4, nodesPerCluster: 3, gpusPerNode: 2, blocksPerCluster: 2, instancesPerBlock: 1 },
  n: 20,
  warmup: 2,
  inFlightN: 8,
};

describe("the placement scenarios", () => {
  for (const chooser of ["builtin", "policy"] as const) {
    it(`${chooser}: every decision places one instance, and nothing is left running`, async () => {
      // The scenario itself fails when the decisions placed another number of instances.
      const outcome = await runScenario(placementScenario(chooser, small));
      expect(outcome).toMatchObject({
        scenario: `placement.${chooser}`,
        ran: true,
        // The figures judged are those of the decisions made several at a time.
        measured: { n: 8 },
        baseline: { n: 20, name: "nodeRooms + scoreNodes + bestNode over rows in memory" },
        target: ">= 1000 decisions/s and p99 <= 20 ms, 8 in flight",
      });
      expect(outcome.reason).toBeUndefined();
    });
  }
});
