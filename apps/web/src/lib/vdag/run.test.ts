import { describe, expect, it } from "vitest";
import { isUnfinished, nodeStates, outcomeOfResponse, outcomeOfTask } from "./run";

const step = (nodeLabel: string, status: "ok" | "error" | "skipped", durationMs = 5, error?: string) => ({
  nodeLabel,
  blockId: "b",
  clusterId: "c1",
  nodeId: "c1-n1",
  instanceId: null,
  start: 1,
  durationMs,
  status,
  attempts: 1,
  next: [],
  ...(error ? { error } : {}),
});

describe("vDAG runs", () => {
  it("keeps waiting for an async task while it is queued or running, not once it ended", () => {
    expect(["queued", "running", "succeeded", "failed", "refused"].map(isUnfinished)).toEqual([
      true,
      true,
      false,
      false,
      false,
    ]);
  });

  it("reads a synchronous answer", () => {
    const o = outcomeOfResponse(200, {
      taskId: "t",
      packet: { data: { a: 1 } },
      trace: [step("a", "ok")],
      durationMs: 9,
    });
    expect(o).toMatchObject({ taskId: "t", status: "succeeded", error: null, durationMs: 9 });
    expect(o.trace).toHaveLength(1);
  });

  it("reads a failed answer with the node it failed at", () => {
    const o = outcomeOfResponse(502, {
      error: { message: "boom", stage: "step", nodeLabel: "b" },
      trace: [],
    });
    expect(o.status).toBe("failed");
    expect(nodeStates(o, ["a", "b"]).get("b")).toMatchObject({ status: "error", error: "boom" });
  });

  it("reads a task and sums a nested vDAG's steps onto its node", () => {
    const o = outcomeOfTask({
      taskId: "t",
      vdagURI: "v:1.0.0-stable",
      status: "succeeded",
      result: { packet: { data: {} } },
      error: null,
      trace: [step("analyse.detect", "ok", 3), step("analyse.other", "skipped", 0), step("stamp", "ok", 2)],
      traceId: "4bf92f3577b34da6a3ce929d0e0e4736",
      createdAt: "2026-01-01T00:00:00.000Z",
      finishedAt: "2026-01-01T00:00:01.000Z",
    });
    expect(o.durationMs).toBe(3);
    const s = nodeStates(o, ["analyse", "stamp"]);
    expect(s.get("analyse")).toMatchObject({ status: "ok", durationMs: 3 });
    expect(s.get("stamp")).toMatchObject({ status: "ok", durationMs: 2 });
  });
});
