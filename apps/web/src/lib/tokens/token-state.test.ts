import { describe, expect, it } from "vitest";
import { parseScopes, tokenState } from "./token-state";

const NOW = Date.parse("2026-12-06T00:00:00Z");

describe("tokenState", () => {
  it("is active without revocation and before its expiry (or with none)", () => {
    expect(tokenState({ revokedAt: null, expiresAt: null }, NOW)).toBe("active");
    expect(tokenState({ revokedAt: null, expiresAt: "2026-12-06T00:00:01Z" }, NOW)).toBe("active");
  });

  it("is expired from its expiry on, and revoked whatever its expiry", () => {
    expect(tokenState({ revokedAt: null, expiresAt: "2026-12-06T00:00:00Z" }, NOW)).toBe("expired");
    expect(tokenState({ revokedAt: "2026-12-01T00:00:00Z", expiresAt: "2026-11-01T00:00:00Z" }, NOW)).toBe(
      "revoked",
    );
  });
});

describe("parseScopes", () => {
  it("splits on commas, spaces and new lines, dropping empty entries", () => {
    expect(parseScopes(" block:echo, vdag:text-pipeline:*\nblock:sentiment ,")).toEqual([
      "block:echo",
      "vdag:text-pipeline:*",
      "block:sentiment",
    ]);
    expect(parseScopes("  ")).toEqual([]);
  });
});
