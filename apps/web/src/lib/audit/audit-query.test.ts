import { describe, expect, it } from "vitest";
import { AUDIT_PAGE_SIZE, auditCommandOf, auditQueryOf, NO_AUDIT_FILTERS } from "./audit-query";

const now = new Date("2026-12-06T12:00:00.000Z");

describe("the Audit page's query", () => {
  it("asks for the newest page of the last 24 hours by default", () => {
    expect(auditQueryOf(NO_AUDIT_FILTERS, 0, now)).toEqual({
      limit: AUDIT_PAGE_SIZE,
      offset: 0,
      since: "2026-12-05T12:00:00.000Z",
    });
  });

  it("passes the filters that are set, trimmed, and pages by offset", () => {
    expect(
      auditQueryOf({ since: "", principal: " ci bot ", action: "functions.*", outcome: "refused" }, 2, now),
    ).toEqual({
      limit: AUDIT_PAGE_SIZE,
      offset: 2 * AUDIT_PAGE_SIZE,
      principal: "ci bot",
      action: "functions.*",
      outcome: "refused",
    });
  });

  it("says the same query as a CLI command, quoting what needs it", () => {
    expect(auditCommandOf(NO_AUDIT_FILTERS)).toBe("npx aios audit --since 24h");
    expect(
      auditCommandOf({ since: "1h", principal: "ci bot", action: "blocks.mgmt", outcome: "failed" }),
    ).toBe("npx aios audit --since 1h --principal 'ci bot' --action blocks.mgmt --outcome failed");
  });
});
