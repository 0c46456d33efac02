import type { TBlockRecord } from "@aios/contracts";
import { describe, expect, it } from "vitest";
import { type BlockStatusEvent, patchBlock, patchBlockList } from "./block-status";

const block = (id: string, status = "pending", updatedAt = "2026-01-01T00:00:00.000Z"): TBlockRecord => ({
  id,
  componentURI: "model.echo:1.0.0-stable",
  clusterId: "local",
  status,
  minInstances: 1,
  maxInstances: 1,
  desiredInstances: 1,
  statusReason: null,
  executorNodeId: null,
  doc: {},
  createdAt: "2026-01-01T00:00:00.000Z",
  updatedAt,
});
const event = (blockId: string, status: string, at = "2026-01-01T00:00:05.000Z"): BlockStatusEvent => ({
  blockId,
  status,
  reason: `now ${status}`,
  at,
});

describe("patchBlock", () => {
  it("takes the event's status and reason", () => {
    expect(patchBlock(block("a"), event("a", "deploying"))).toMatchObject({
      status: "deploying",
      statusReason: "now deploying",
      updatedAt: "2026-01-01T00:00:05.000Z",
    });
  });

  it("ignores another block's event and an event older than the record", () => {
    const a = block("a", "running", "2026-01-01T00:00:10.000Z");
    expect(patchBlock(a, event("b", "failed"))).toBe(a);
    expect(patchBlock(a, event("a", "deploying"))).toBe(a);
  });
});

describe("patchBlockList", () => {
  it("patches the one block and keeps the array when nothing changed", () => {
    const list = [block("a"), block("b")];
    const next = patchBlockList(list, event("b", "running"));
    expect(next.map((b) => b.status)).toEqual(["pending", "running"]);
    expect(next[0]).toBe(list[0]);
    expect(patchBlockList(list, event("c", "running"))).toBe(list);
  });
});
