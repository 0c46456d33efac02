import { describe, expect, it } from "vitest";
import {
  dataScopeProblem,
  MAX_EXPIRES_MS,
  parseExpiresIn,
  scopeGrants,
  ZJoinTokenRequest,
  ZTokenCreateRequest,
} from "../src/tokens";

describe("a token's lifetime (expiresIn)", () => {
  it("reads minutes, hours, days and weeks", () => {
    expect(parseExpiresIn("15m")).toEqual({ ok: true, ms: 15 * 60_000 });
    expect(parseExpiresIn("1h")).toEqual({ ok: true, ms: 3_600_000 });
    expect(parseExpiresIn("30d")).toEqual({ ok: true, ms: 30 * 86_400_000 });
    expect(parseExpiresIn("2w")).toEqual({ ok: true, ms: 14 * 86_400_000 });
  });

  it("refuses other text, zero and more than ten years, saying what it takes", () => {
    for (const text of ["30", "d", "1.5h", "-1d", "30x", "1 h", ""]) {
      const r = parseExpiresIn(text);
      expect(r.ok).toBe(false);
      expect(r.ok ? "" : r.error).toContain("followed by m, h, d or w");
    }
    expect(parseExpiresIn("0d")).toEqual({ ok: false, error: '"0d" must be longer than zero' });
    expect(parseExpiresIn(`${MAX_EXPIRES_MS / 86_400_000 + 1}d`).ok).toBe(false);
  });
});

describe("data scopes", () => {
  it("accept block ids, vDAG URIs and globs in the last segment", () => {
    for (const scope of [
      "block:echo",
      "block:echo-*",
      "vdag:text-pipeline:1.0.0-stable",
      "vdag:text-pipeline:*",
      "vdag:text-pipeline:1.0.*",
      "vdag:text-*",
      "vdag:*",
      `asset:${"ab".repeat(32)}`,
    ]) {
      expect(dataScopeProblem(scope), scope).toBeNull();
    }
  });

  it("refuse other kinds, malformed ids and a glob before the last segment, naming the scope", () => {
    expect(dataScopeProblem("blocks:echo")).toContain('"blocks:echo": unknown kind "blocks"');
    expect(dataScopeProblem("echo")).toContain('unknown kind ""');
    expect(dataScopeProblem("block:Echo")).toContain("not a block id");
    expect(dataScopeProblem("block:")).toContain("not a block id");
    expect(dataScopeProblem("vdag:text-pipeline")).toContain("not a vDAG URI");
    expect(dataScopeProblem("vdag:text-*:1.0.0-stable")).toContain("only be in the last segment");
    expect(dataScopeProblem("vdag:a:b:*")).toContain("more than one ':'");
    expect(dataScopeProblem("vdag:text:1/0*")).toContain("characters a vDAG URI cannot have");
    expect(dataScopeProblem("asset:*")).toContain("not a SHA-256 digest");
    expect(dataScopeProblem(`asset:${"AB".repeat(32)}`)).toContain("not a SHA-256 digest");
  });

  it("grant exactly what they name; '*' matches any run of characters", () => {
    expect(scopeGrants("block:echo", "block", "echo")).toBe(true);
    expect(scopeGrants("block:echo", "block", "echo-2")).toBe(false);
    expect(scopeGrants("block:echo", "vdag", "echo")).toBe(false);
    expect(scopeGrants("block:echo-*", "block", "echo-2")).toBe(true);
    expect(scopeGrants("vdag:text-pipeline:*", "vdag", "text-pipeline:1.0.0-stable")).toBe(true);
    expect(scopeGrants("vdag:text-pipeline:*", "vdag", "text-pipeline2:1.0.0-stable")).toBe(false);
    expect(scopeGrants("vdag:text-pipeline:*", "vdag", "image:1.0.0-stable")).toBe(false);
    expect(scopeGrants("vdag:text-pipeline:1.0.*", "vdag", "text-pipeline:1.0.3-beta")).toBe(true);
    expect(scopeGrants("vdag:text-pipeline:1.0.*", "vdag", "text-pipeline:1.1.0-beta")).toBe(false);
    const digest = "ab".repeat(32);
    expect(scopeGrants(`asset:${digest}`, "asset", digest)).toBe(true);
    expect(scopeGrants(`asset:${digest}`, "asset", "cd".repeat(32))).toBe(false);
    expect(scopeGrants(`asset:${digest}`, "block", digest)).toBe(false);
    // Dots in a pattern are literal, not "any character".
    expect(scopeGrants("vdag:a.b:*", "vdag", "axb:1-stable")).toBe(false);
  });
});

describe("tokens.create's input", () => {
  const issuesOf = (input: unknown) => {
    const r = ZTokenCreateRequest.safeParse(input);
    return r.success ? [] : r.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`);
  };

  it("takes a role, a name, an optional lifetime and, for a data key, its scopes", () => {
    expect(issuesOf({ name: "ci", role: "viewer" })).toEqual([]);
    expect(
      issuesOf({ name: "ci", role: "data", scopes: ["vdag:text-pipeline:*"], expiresIn: "30d" }),
    ).toEqual([]);
  });

  it("names the field of each mistake", () => {
    expect(issuesOf({ name: "ci", role: "data" })).toEqual(["scopes: a data token needs at least one scope"]);
    expect(issuesOf({ name: "ci", role: "viewer", scopes: ["block:echo"] })).toEqual([
      "scopes: only data tokens take scopes, not viewer",
    ]);
    expect(issuesOf({ name: "ci", role: "agent" })).toEqual([
      "role: must be one of viewer, operator, admin, data",
    ]);
    expect(issuesOf({ name: " ", role: "viewer" })).toEqual(["name: must not be empty"]);
    expect(issuesOf({ name: "x".repeat(121), role: "viewer" })).toEqual([
      "name: must be at most 120 characters",
    ]);
    expect(issuesOf({ name: "a\u0000b", role: "viewer" })).toEqual([
      "name: must not contain control characters",
    ]);
    expect(issuesOf({ name: "ci", role: "viewer", expiresIn: "soon" })[0]).toMatch(
      /^expiresIn: "soon" must be/,
    );
    expect(issuesOf({ name: "ci", role: "data", scopes: ["block:ok", "nope"] })[0]).toMatch(
      /^scopes\.1: "nope": unknown kind/,
    );
  });

  it("a join token request names a cluster (a DNS label)", () => {
    expect(ZJoinTokenRequest.safeParse({ clusterId: "edge-2", expiresIn: "1h" }).success).toBe(true);
    expect(ZJoinTokenRequest.safeParse({ clusterId: "Edge 2" }).success).toBe(false);
  });
});
