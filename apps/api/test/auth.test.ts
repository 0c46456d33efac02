import { describe, expect, it } from "vitest";
import { clusterScopeOf, hasRole, mayActAsAgent, type Principal, type Role } from "../src/auth/principal";
import { type AuthMode, type PrincipalSource, resolvePrincipal } from "../src/auth/resolve-principal";
import { hashToken } from "../src/auth/token-hash";

const as = (role: Role, scope: string | null = null): Principal => ({ role, scope, tokenId: "t-1" });

describe("roles", () => {
  it("rank viewer < operator < admin; an agent token ranks with none", () => {
    expect(hasRole(as("operator"), "viewer")).toBe(true);
    expect(hasRole(as("operator"), "operator")).toBe(true);
    expect(hasRole(as("operator"), "admin")).toBe(false);
    expect(hasRole(as("admin"), "operator")).toBe(true);
    expect(hasRole(as("agent", "c-1"), "viewer")).toBe(false);
  });

  it("let agents and admins use the agents' procedures, an agent for its own cluster only", () => {
    expect(mayActAsAgent(as("agent", "c-1"))).toBe(true);
    expect(mayActAsAgent(as("admin"))).toBe(true);
    expect(mayActAsAgent(as("operator"))).toBe(false);
    expect(clusterScopeOf(as("agent", "c-1"))).toBe("c-1");
    expect(clusterScopeOf(as("admin", "c-1"))).toBeNull();
  });
});

describe("resolvePrincipal", () => {
  const tokens = new Map([
    [hashToken("aios_op"), { id: "tok-op", role: "operator", scope: null }],
    [hashToken("aios_agent"), { id: "tok-agent", role: "agent", scope: "c-7" }],
    [hashToken("aios_odd"), { id: "tok-odd", role: "superuser", scope: null }],
  ]);
  const source = (auth: AuthMode): PrincipalSource => ({
    config: { auth },
    tokens: { findActive: async (hash) => tokens.get(hash) ?? null },
  });

  it("finds a bearer token by its hash and takes its role and cluster", async () => {
    await expect(resolvePrincipal(source("token"), "Bearer aios_agent")).resolves.toEqual({
      role: "agent",
      scope: "c-7",
      tokenId: "tok-agent",
    });
    await expect(resolvePrincipal(source("open"), "bearer  aios_op ")).resolves.toMatchObject({
      role: "operator",
      tokenId: "tok-op",
    });
  });

  it("refuses a missing, unknown or oddly-roled token in token mode", async () => {
    await expect(resolvePrincipal(source("token"), undefined)).resolves.toBeNull();
    await expect(resolvePrincipal(source("token"), "Bearer aios_nope")).resolves.toBeNull();
    await expect(resolvePrincipal(source("token"), "Bearer aios_odd")).resolves.toBeNull();
  });

  it("lets every caller act as admin in open mode", async () => {
    const admin = { role: "admin", scope: null, tokenId: null };
    await expect(resolvePrincipal(source("open"), undefined)).resolves.toEqual(admin);
    await expect(resolvePrincipal(source("open"), "Bearer aios_nope")).resolves.toEqual(admin);
  });
});
