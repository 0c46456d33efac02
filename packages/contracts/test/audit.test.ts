import { describe, expect, it } from "vitest";
import { sinceToIso, ZAuditListQuery } from "../src";

describe("the audit's since", () => {
  const now = new Date("2026-12-06T12:00:00.000Z");

  it.each([
    ["90s", "2026-12-06T11:58:30.000Z"],
    ["15m", "2026-12-06T11:45:00.000Z"],
    ["1h", "2026-12-06T11:00:00.000Z"],
    ["7d", "2026-11-29T12:00:00.000Z"],
    ["2026-12-01T00:00:00Z", "2026-12-01T00:00:00.000Z"],
  ])("%s is %s", (since, iso) => {
    expect(sinceToIso(since, now)).toBe(iso);
  });

  it.each(["1w", "yesterday", "-1h", ""])("refuses %j, naming both forms", (since) => {
    expect(() => sinceToIso(since, now)).toThrow("is neither a duration (30m, 1h, 7d) nor an ISO-8601 time");
  });
});

describe("the audit's list query", () => {
  it("pages 100 at a time by default, 1000 at most", () => {
    expect(ZAuditListQuery.parse({})).toEqual({ limit: 100, offset: 0 });
    expect(ZAuditListQuery.safeParse({ limit: 1001 }).success).toBe(false);
  });

  it("takes only the known outcomes", () => {
    expect(ZAuditListQuery.safeParse({ outcome: "refused" }).success).toBe(true);
    expect(ZAuditListQuery.safeParse({ outcome: "denied" }).success).toBe(false);
  });
});
