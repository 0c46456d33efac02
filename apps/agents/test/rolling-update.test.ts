import { createLogger } from "@aios/service-kit";
import { describe, expect, it } from "vitest";
import { type RollTurn, rollInstances } from "../src/blocks/rolling-update";
import type { Workload } from "../src/drivers/driver";

/**
 * A workload of the test. A new one has ended already (its /health is not there either), so the
 * roll's wait for it to turn healthy ends at once and it goes on to the next.
 */
function workload(name: string, events: string[], ended = false): Workload {
  return {
    name,
    labels: {},
    endpoint: "http://127.0.0.1:1",
    pid: null,
    controlToken: null,
    dataToken: null,
    exited: ended ? Promise.resolve({ code: 0, signal: null }) : new Promise(() => {}),
    logs: () => [],
    async stop() {
      events.push(`stop ${name}`);
    },
  };
}

describe("a rolling update across the block's nodes", () => {
  const log = createLogger({ service: "test", level: "error" });

  function roll(turn: RollTurn, events: string[]) {
    const instances = new Map([
      ["in-a", workload("old-a", events)],
      ["in-b", workload("old-b", events)],
    ]);
    return rollInstances({
      blockId: "b",
      outdated: [...instances.entries()],
      instances,
      start: async (id) => {
        events.push(`start ${id}`);
        return workload(`new-${id}`, events, true);
      },
      announce: async () => {},
      executor: () => null,
      log,
      turn,
      turnWaitMs: 1_200,
    });
  }

  it("takes the block's turn before the first instance goes and gives it back after the last", async () => {
    const events: string[] = [];
    const turn: RollTurn = {
      take: async () => {
        events.push("take");
        return true;
      },
      release: async () => void events.push("release"),
    };
    expect(await roll(turn, events)).toBe(true);
    expect(events).toEqual(["take", "stop old-a", "start in-a", "stop old-b", "start in-b", "release"]);
  });

  it("leaves every instance running when another node keeps the turn, and says so", async () => {
    const events: string[] = [];
    let asked = 0;
    const turn: RollTurn = {
      take: async () => {
        asked++;
        return false;
      },
      release: async () => void events.push("release"),
    };
    expect(await roll(turn, events)).toBe(false);
    expect(events).toEqual([]);
    expect(asked).toBeGreaterThanOrEqual(2);
  });

  it("waits for the turn while another node holds it, then rolls", async () => {
    const events: string[] = [];
    let asked = 0;
    const turn: RollTurn = {
      take: async () => ++asked >= 2,
      release: async () => void events.push("release"),
    };
    expect(await roll(turn, events)).toBe(true);
    expect(asked).toBe(2);
    expect(events).toEqual(["stop old-a", "start in-a", "stop old-b", "start in-b", "release"]);
  });
});
