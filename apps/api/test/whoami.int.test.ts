import { describe, expect, it } from "vitest";
import { resolvePrincipal } from "../src/auth/resolve-principal";
import { useApi } from "./harness";

describe("auth.whoami in token mode", () => {
  const api = useApi({ auth: "token" });
  const whoami = async (authorization?: string) =>
    api.caller(await resolvePrincipal(api.services, authorization)).auth.whoami();

  it("answers an anonymous caller with the mode and no principal", async () => {
    await expect(whoami()).resolves.toEqual({ mode: "token", principal: null });
    await expect(whoami("Bearer aios_not-a-token")).resolves.toEqual({ mode: "token", principal: null });
  });

  it("answers a token's role, name and id, never its secret", async () => {
    const { id, token } = await api.services.tokens.issue({ name: "ana (viewer)", role: "viewer" });
    const answer = await whoami(`Bearer ${token}`);
    expect(answer).toEqual({
      mode: "token",
      principal: { role: "viewer", name: "ana (viewer)", tokenId: id, scope: null },
    });
    expect(JSON.stringify(answer)).not.toContain(token);
  });
});

describe("auth.whoami in open mode", () => {
  const api = useApi({ auth: "open" });

  it("answers an anonymous caller as the open mode's admin", async () => {
    const principal = await resolvePrincipal(api.services, undefined);
    await expect(api.caller(principal).auth.whoami()).resolves.toEqual({
      mode: "open",
      principal: { role: "admin", name: null, tokenId: null, scope: null },
    });
  });
});
