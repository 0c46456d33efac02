import type { TApiTokenIssued, TApiTokenRecord } from "@aios/contracts";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { createTokenService } from "../src/domains/tokens/token.service";
import { useApiServer } from "./harness";
import { trpcOver } from "./trpc-http";

describe("API tokens: created, listed and revoked by an admin, over HTTP in token mode", () => {
  const api = useApiServer({ auth: "token" });
  let trpc: ReturnType<typeof trpcOver>;
  let admin: string;

  beforeAll(async () => {
    trpc = trpcOver(api.url);
    admin = (await api.services.tokens.issue({ name: "tl admin", role: "admin" })).token;
  });

  const create = (input: unknown, token = admin) =>
    trpc.mutation<TApiTokenIssued>("tokens.create", input, token);

  it("shows the secret once; the list never holds the secret nor the hash", async () => {
    const before = Date.now();
    const created = await create({ name: "tl ci", role: "viewer", expiresIn: "30d" });
    expect(created.status).toBe(200);
    expect(created.data).toMatchObject({ name: "tl ci", role: "viewer", scopes: [], revokedAt: null });
    expect(created.data.token).toMatch(/^aios_/);
    const expiresAt = Date.parse(created.data.expiresAt ?? "");
    expect(expiresAt - before).toBeGreaterThanOrEqual(30 * 86_400_000);
    expect(expiresAt - Date.now()).toBeLessThanOrEqual(30 * 86_400_000);

    const listed = await trpc.query<TApiTokenRecord[]>("tokens.list", { limit: 1000 }, admin);
    const row = listed.data.find((t) => t.id === created.data.id);
    expect(row).toEqual({ ...created.data, token: undefined, lastUsedAt: null });
    expect(JSON.stringify(listed.data)).not.toContain(created.data.token);
    expect(JSON.stringify(listed.data)).not.toMatch(/tokenHash|token_hash/);
    // The secret is not in the audit trail either.
    const events = await api.database.db.auditEvent.findMany({ where: { action: "tokens.create" } });
    expect(events.length).toBeGreaterThan(0);
    expect(JSON.stringify(events.map((e) => [e.input, e.decision]))).not.toContain(created.data.token);
  });

  it("pages the list", async () => {
    for (const n of [1, 2, 3]) await create({ name: `tl page ${n}`, role: "viewer" });
    const first = await trpc.query<TApiTokenRecord[]>("tokens.list", { limit: 2 }, admin);
    const second = await trpc.query<TApiTokenRecord[]>("tokens.list", { limit: 2, offset: 2 }, admin);
    expect(first.data).toHaveLength(2);
    expect(second.data.map((t) => t.id)).not.toContain(first.data[0]?.id);
  });

  it("refuses a revoked token from the next request on; revoking again changes nothing", async () => {
    const { data: viewer } = await create({ name: "tl revoked", role: "viewer" });
    expect((await trpc.query("clusters.list", {}, viewer.token)).status).toBe(200);

    const revoked = await trpc.mutation<TApiTokenRecord>("tokens.revoke", { id: viewer.id }, admin);
    expect(revoked.status).toBe(200);
    expect(revoked.data.revokedAt).not.toBeNull();
    const refused = await trpc.query("clusters.list", {}, viewer.token);
    expect([refused.status, refused.error?.message]).toEqual([401, "an API token is required"]);

    const again = await trpc.mutation<TApiTokenRecord>("tokens.revoke", { id: viewer.id }, admin);
    expect(again.data).toEqual(revoked.data);
    const audited = await api.database.db.auditEvent.findMany({
      where: { action: "tokens.revoke", input: { equals: { id: viewer.id } } },
    });
    expect(audited).toHaveLength(2);
    const unknown = await trpc.mutation("tokens.revoke", { id: "no-such-token" }, admin);
    expect([unknown.status, unknown.error?.message]).toEqual([
      404,
      'API token "no-such-token" was not found (field id)',
    ]);
  });

  it("refuses an expired token", async () => {
    const { token } = await api.services.tokens.issue({
      name: "tl expired",
      role: "viewer",
      expiresAt: new Date(Date.now() - 1000),
    });
    expect((await trpc.query("clusters.list", {}, token)).status).toBe(401);
  });

  it("lets only admins create, list and revoke tokens", async () => {
    const { data: operator } = await create({ name: "tl operator", role: "operator" });
    const byOperator = await create({ name: "tl escalate", role: "admin" }, operator.token);
    expect(byOperator.status).toBe(403);
    expect(byOperator.error?.message).toContain("operator");
    expect((await trpc.query("tokens.list", {}, operator.token)).status).toBe(403);
    expect((await trpc.mutation("tokens.revoke", { id: operator.id }, operator.token)).status).toBe(403);
    expect((await create({ name: "tl anonymous", role: "viewer" }, "")).status).toBe(401);
  });

  it("answers a bad input with 400 naming the field", async () => {
    const cases: Array<[unknown, string, string]> = [
      [{ name: "tl data", role: "data" }, "scopes", "a data token needs at least one scope"],
      [{ name: "tl data", role: "data", scopes: ["vdag:x"] }, "scopes[0]", "not a vDAG URI"],
      [{ name: "tl x", role: "viewer", expiresIn: "forever" }, "expiresIn", "followed by m, h, d or w"],
      [{ name: "tl x", role: "agent" }, "role", "must be one of viewer, operator, admin, data"],
      [{ name: "", role: "viewer" }, "name", "must not be empty"],
    ];
    for (const [input, path, message] of cases) {
      const r = await create(input);
      expect(r.status, JSON.stringify(input)).toBe(400);
      const issue = r.error?.data?.issues?.find((i) => i.path === path);
      expect(issue?.message, JSON.stringify(r.error)).toContain(message);
    }
    const scoped = await create({
      name: "tl data ok",
      role: "data",
      scopes: ["vdag:text-pipeline:*", "block:echo"],
    });
    expect(scoped.data.scopes).toEqual(["vdag:text-pipeline:*", "block:echo"]);
  });

  it("notes when a token was last used, at most once a minute", async () => {
    const { data: viewer } = await create({ name: "tl used", role: "viewer" });
    await trpc.query("clusters.list", {}, viewer.token);
    const usedAt = await vi.waitFor(async () => {
      const row = await api.database.db.apiToken.findUniqueOrThrow({ where: { id: viewer.id } });
      expect(row.lastUsedAt).not.toBeNull();
      return row.lastUsedAt;
    });
    // Another process (its own service) within the minute: the guarded UPDATE writes nothing.
    const other = createTokenService(api.database.db);
    await other.markUsed(viewer.id, (usedAt?.getTime() ?? 0) + 30_000);
    const row = await api.database.db.apiToken.findUniqueOrThrow({ where: { id: viewer.id } });
    expect(row.lastUsedAt).toEqual(usedAt);
    // A minute later it is written again.
    await createTokenService(api.database.db).markUsed(viewer.id, (usedAt?.getTime() ?? 0) + 60_000);
    const later = await api.database.db.apiToken.findUniqueOrThrow({ where: { id: viewer.id } });
    expect(later.lastUsedAt?.getTime()).toBe((usedAt?.getTime() ?? 0) + 60_000);
  });
});
