import { describe, expect, it } from "vitest";
import { livenessText, readLiveness } from "./node-liveness";

const now = Date.parse("2026-01-01T00:10:00.000Z");
const lost = {
  status: "lost",
  lostAt: "2026-01-01T00:05:00.000Z",
  lastSeenAt: "2026-01-01T00:04:00.000Z",
  reason: "its agent was silent for over 60 s (AIOS_NODE_LOST_SECONDS)",
};

describe("readLiveness", () => {
  it("reads a lost node's mark and a returned one's return time", () => {
    expect(readLiveness({ liveness: lost }, "lost")).toEqual({ ...lost, returnedAt: null });
    expect(
      readLiveness(
        { liveness: { ...lost, status: "returned", returnedAt: "2026-01-01T00:09:00.000Z" } },
        "ready",
      ),
    ).toMatchObject({ status: "returned", returnedAt: "2026-01-01T00:09:00.000Z" });
  });

  it("is null for a node never lost, an unknown status or a document that is not an object", () => {
    expect(readLiveness({}, "ready")).toBeNull();
    expect(readLiveness({ liveness: { ...lost, status: "gone" } }, "lost")).toBeNull();
    expect(readLiveness(null, "ready")).toBeNull();
    expect(readLiveness({ liveness: "lost" }, "lost")).toBeNull();
  });

  it("keeps a mark whose fields are missing or of the wrong type, as nulls", () => {
    expect(readLiveness({ liveness: { status: "lost", lostAt: 5 } }, "lost")).toEqual({
      status: "lost",
      lostAt: null,
      lastSeenAt: null,
      reason: null,
      returnedAt: null,
    });
  });
});

describe("livenessText", () => {
  it("says why and since when a node is lost, and when it last heartbeated", () => {
    const l = readLiveness({ liveness: lost }, "lost");
    expect(l && livenessText(l, now)).toBe(
      "Node lost 5m ago: its agent was silent for over 60 s (AIOS_NODE_LOST_SECONDS). Last heartbeat 6m ago. Its work was placed again on the cluster's live nodes.",
    );
  });

  it("says when a returned node came back and why it had been lost", () => {
    const l = readLiveness(
      { liveness: { ...lost, status: "returned", returnedAt: "2026-01-01T00:09:30.000Z" } },
      "ready",
    );
    expect(l && livenessText(l, now)).toMatch(
      /^Returned 30s ago; it had been lost 5m ago: its agent was silent/,
    );
  });

  it("shows a node that heartbeats again before the API noted its return as back", () => {
    const l = readLiveness({ liveness: lost }, "ready");
    expect(l).toMatchObject({ status: "returned", returnedAt: null });
    expect(l && livenessText(l, now)).toMatch(/^Heartbeating again; it had been lost 5m ago/);
  });
});
