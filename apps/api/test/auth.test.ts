import { describe, expect, it } from "vitest";
import {
  clusterScopeOf,
  hasRole,
  mayActAsAgent,
  nodeScopeOf,
  type Principal,
  type Role,
} from "../src/auth/principal";
import { type AuthMode, type PrincipalSource, resolvePrincipal } from "../src/auth/resolve-principal";
import { hashToken } from "../src/auth/token-hash";

const as = (role: Role, scope: string | null = null, scopes: string[] = []): Principal => ({
  role,
  scope,
  tokenId: "t-1",
  scopes,
});

describe("roles", () => {
  it("rank viewer < operator < admin; agent, data and join tokens rank with none", () => {
    expect(hasRole(as("operator"), "viewer")).toBe(true);
    expect(hasRole(as("operator"), "operator")).toBe(true);
    expect(hasRole(as("operator"), "admin")).toBe(false);
    expect(hasRole(as("admin"), "operator")).toBe(true);
    for (const role of ["agent", "data", "join"] as const)
      expect(hasRole(as(role, "c-1"), "viewer")).toBe(false);
  });

  it("let agents and admins use the agents' procedures, an agent for its own cluster (and node) only", () => {
    expect(mayActAsAgent(as("agent", "c-1"))).toBe(true);
    expect(mayActAsAgent(as("admin"))).toBe(true);
    expect(mayActAsAgent(as("operator"))).toBe(false);
    expect(mayActAsAgent(as("join", "c-1"))).toBe(false);
    expect(mayActAsAgent(as("data"))).toBe(false);
    expect(clusterScopeOf(as("agent", "c-1"))).toBe("c-1");
    expect(clusterScopeOf(as("admin", "c-1"))).toBeNull();
    expect(nodeScopeOf(as("agent", "c-1", ["node:n-1"]))).toBe("n-1");
    expect(nodeScopeOf(as("agent", "c-1"))).toBeNull();
  });
});

describe("resolvePrincipal", () => {
  const NOW = new Date("2026-12-05T12:00:00Z");
  const tokens = new Map([
    [hashToken("aios_op"), { id: "tok-op", role: "operator", scope: null }],
    [hashToken("aios_agent"), { id: "tok-agent", role: "agent", scope: "c-7", scopes: ["node:n-1"] }],
    [hashToken("aios_odd"), { id: "tok-odd", role: "superuser", scope: null }],
    [
      hashToken("aios_data"),
      {
        id: "tok-data",
        role: "data",
        scope: null,
        scopes: ["block:echo"],
        expiresAt: new Date("2026-12-06T00:00:00Z"),
      },
    ],
    [hashToken("aios_old"), { id: "tok-old", role: "admin", scope: null, expiresAt: NOW }],
  ]);
  const used: string[] = [];
  const source = (auth: AuthMode): PrincipalSource => ({
    config: { auth },
    tokens: {
      findActive: async (hash) => tokens.get(hash) ?? null,
      markUsed: async (id) => void used.push(id),
    },
  });

  it("finds a bearer token by its hash and takes its role, cluster and scopes, noting the use", async () => {
    await expect(resolvePrincipal(source("token"), "Bearer aios_agent", NOW)).resolves.toEqual({
      role: "agent",
      scope: "c-7",
      tokenId: "tok-agent",
      scopes: ["node:n-1"],
    });
    await expect(resolvePrincipal(source("open"), "bearer  aios_op ", NOW)).resolves.toMatchObject({
      role: "operator",
      tokenId: "tok-op",
      scopes: [],
    });
    await expect(resolvePrincipal(source("token"), "Bearer aios_data", NOW)).resolves.toMatchObject({
      role: "data",
      scopes: ["block:echo"],
    });
    expect(used).toEqual(["tok-agent", "tok-op", "tok-data"]);
  });

  it("refuses a missing, unknown, oddly-roled or expired token in token mode", async () => {
    await expect(resolvePrincipal(source("token"), undefined, NOW)).resolves.toBeNull();
    await expect(resolvePrincipal(source("token"), "Bearer aios_nope", NOW)).resolves.toBeNull();
    await expect(resolvePrincipal(source("token"), "Bearer aios_odd", NOW)).resolves.toBeNull();
    // Expired the moment its expiry is reached.
    await expect(resolvePrincipal(source("token"), "Bearer aios_old", NOW)).resolves.toBeNull();
    const later = new Date("2026-12-06T00:00:00Z");
    await expect(resolvePrincipal(source("token"), "Bearer aios_data", later)).resolves.toBeNull();
  });

  it("lets every caller act as admin in open mode", async () => {
    const admin = { role: "admin", scope: null, tokenId: null };
    await expect(resolvePrincipal(source("open"), undefined)).resolves.toEqual(admin);
    await expect(resolvePrincipal(source("open"), "Bearer aios_nope")).resolves.toEqual(admin);
  });
});
