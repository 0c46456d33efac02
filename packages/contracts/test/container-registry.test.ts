import { describe, expect, it } from "vitest";
import { pullSecretNameOf, registryServerOf, ZContainerRegistryCreate } from "../src/container-registry";

describe("container registry records", () => {
  it("reads a registry's address as image references name it", () => {
    expect(registryServerOf("ghcr.io")).toEqual({ server: "ghcr.io", scheme: "https" });
    expect(registryServerOf("https://registry.example.com:5000/")).toEqual({
      server: "registry.example.com:5000",
      scheme: "https",
    });
    expect(registryServerOf("http://127.0.0.1:5000")).toEqual({ server: "127.0.0.1:5000", scheme: "http" });
    expect(registryServerOf("ftp://x")).toEqual({ problem: "must use https:// or http://, not ftp://" });
    expect(registryServerOf("https://u:p@ghcr.io")).toEqual({
      problem: "must not hold credentials: give them as username and password",
    });
    expect(registryServerOf("ghcr.io/team")).toEqual({
      problem: "must be the registry's host[:port] only, with no path, query or fragment",
    });
  });

  it("takes both username and password or neither, and names the missing one", () => {
    const base = { containerRegistryId: "team", url: "ghcr.io" };
    expect(ZContainerRegistryCreate.safeParse(base).success).toBe(true);
    expect(ZContainerRegistryCreate.safeParse({ ...base, username: "u", password: "p" }).success).toBe(true);
    const noPassword = ZContainerRegistryCreate.safeParse({ ...base, username: "u" });
    expect(noPassword.error?.issues[0]?.path).toEqual(["password"]);
    const unknown = ZContainerRegistryCreate.safeParse({ ...base, token: "t" });
    expect(unknown.success).toBe(false);
  });

  it("keeps the pull Secret's name a DNS label", () => {
    const id = "a".repeat(49);
    expect(ZContainerRegistryCreate.safeParse({ containerRegistryId: id, url: "x.io" }).success).toBe(true);
    expect(pullSecretNameOf(id).length).toBeLessThanOrEqual(63);
    expect(ZContainerRegistryCreate.safeParse({ containerRegistryId: `${id}a`, url: "x.io" }).success).toBe(
      false,
    );
  });
});
