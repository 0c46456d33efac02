import { describe, expect, it } from "vitest";
import { parseGridArgs } from "../src/args";
import { GridError } from "../src/errors";

const refusal = (argv: string[]) => {
  try {
    parseGridArgs(argv);
  } catch (err) {
    expect(err).toBeInstanceOf(GridError);
    return (err as Error).message;
  }
  throw new Error(`accepted ${argv.join(" ")}`);
};

describe("grid command line", () => {
  it("reads up with its counts, GPUs and whether the console runs", () => {
    expect(parseGridArgs(["up", "--clusters", "3", "--nodes", "1"])).toEqual({
      command: "up",
      clusters: 3,
      nodes: 1,
      gpus: 0,
      console: true,
    });
    expect(parseGridArgs(["up", "--nodes=2", "--clusters=1", "--gpus", "4", "--no-console"])).toEqual({
      command: "up",
      clusters: 1,
      nodes: 2,
      gpus: 4,
      console: false,
    });
  });

  it("reads the host commands, status and down", () => {
    expect(parseGridArgs(["cut", "c1-n1"])).toEqual({ command: "cut", host: "c1-n1" });
    expect(parseGridArgs(["heal", "mgmt"])).toEqual({ command: "heal", host: "mgmt" });
    expect(parseGridArgs(["kill", "c2-n1"])).toEqual({ command: "kill", host: "c2-n1" });
    expect(parseGridArgs(["start", "c2-n1"])).toEqual({ command: "start", host: "c2-n1" });
    expect(parseGridArgs(["status", "--json"])).toEqual({ command: "status", json: true });
    expect(parseGridArgs(["status"])).toEqual({ command: "status", json: false });
    expect(parseGridArgs(["down"])).toEqual({ command: "down" });
    expect(parseGridArgs(["stop-store", "redis"])).toEqual({ command: "stop-store", store: "redis" });
    expect(parseGridArgs(["start-store", "postgres"])).toEqual({ command: "start-store", store: "postgres" });
    expect(parseGridArgs([])).toEqual({ command: "help" });
  });

  it.each([
    [["up", "--nodes", "1"], "up: --clusters N is required"],
    [["up", "--clusters", "1"], "up: --nodes M is required"],
    [["up", "--clusters", "two", "--nodes", "1"], 'up: --clusters must be a whole number, not "two"'],
    [["up", "--clusters", "0", "--nodes", "1"], "up: --clusters must be between 1 and 20, not 0"],
    [
      ["up", "--clusters", "1", "--nodes", "1", "--gpus", "-1"],
      'up: --gpus must be a whole number, not "-1"',
    ],
    [
      ["up", "--clusters", "1", "--nodes", "1", "--gpus", "17"],
      "up: --gpus must be between 0 and 16, not 17",
    ],
    [["up", "--clusters", "1", "--clusters", "2", "--nodes", "1"], "up: --clusters is given twice"],
    [["up", "--clusters", "1", "--nodes"], "up: --nodes needs a number"],
    [["up", "--clusters", "1", "--nodes", "1", "--fast"], 'up: unknown argument "--fast"'],
    [["up", "--clusters", "20", "--nodes", "20"], "400 node hosts; at most 250"],
    [["cut"], "cut needs a HOST"],
    [["kill", "c1-n1", "c1-n2"], 'kill: unexpected argument "c1-n2"'],
    [["status", "--yaml"], 'status: unexpected argument "--yaml"'],
    [["start"], "start needs a HOST"],
    [["restart"], 'unknown command "restart"'],
    [["stop-store"], "stop-store needs a store: redis or postgres"],
    [["start-store", "mysql"], 'start-store needs a store: redis or postgres, not "mysql"'],
    [["stop-store", "redis", "now"], 'stop-store: unexpected argument "now"'],
  ])("refuses %j, naming the flag and why", (argv, message) => {
    expect(refusal(argv)).toContain(message);
  });
});
