import { describe, expect, it } from "vitest";
import { stepStates } from "./progress-steps";

const history = (...statuses: string[]) => ({ runtime: { history: statuses.map((status) => ({ status })) } });

describe("stepStates", () => {
  it("marks the steps before the block's status done and its own current", () => {
    expect(stepStates(undefined)).toEqual(["current", "todo", "todo"]);
    expect(stepStates("pending")).toEqual(["current", "todo", "todo"]);
    expect(stepStates("deploying")).toEqual(["done", "current", "todo"]);
    expect(stepStates("running")).toEqual(["done", "done", "done"]);
  });

  it("fails the furthest step reached when the block leaves the happy path", () => {
    expect(stepStates("failed", history("pending", "deploying", "failed"))).toEqual([
      "done",
      "failed",
      "todo",
    ]);
    expect(stepStates("failed", {})).toEqual(["failed", "todo", "todo"]);
  });
});
