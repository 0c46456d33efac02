import { describe, expect, it } from "vitest";
import { runScenario } from "../src/run";
import { registryListScenario } from "../src/scenarios/registry-list";

/** Registries small enough for a test, the large one still more than a page. */
const run = {
  large: { clusters: 3, blocksPerCluster: 20, instancesPerBlock: 2, vdags: 5 },
  small: { clusters: 1, blocksPerCluster: 10, instancesPerBlock: 1, vdags: 1 },
  n: 20,
  warmup: 2,
};

describe("the registry.list-blocks scenario", () => {
  it("measures the console's first page from two real APIs, and leaves nothing running", async () => {
    // The scenario itself fails when a page is not the console's (rows, order) or a count is wrong.
    const outcome = await runScenario(registryListScenario(run));
    expect(outcome).toMatchObject({
      scenario: "registry.list-blocks",
      ran: true,
      measured: { n: 20 },
      baseline: { n: 20, name: "the same page over 10 blocks" },
    });
    expect(outcome.reason).toBeUndefined();
  }, 180_000);
});
