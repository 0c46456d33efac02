import type { TAuditEventRecord } from "@aios/contracts";
import { beforeAll, describe, expect, it } from "vitest";
import { doc, useApiServer } from "./harness";
import { trpcOver } from "./trpc-http";

/** Every change, run, invoke and management command is audited, refusals and failures included. */
describe("the audit", () => {
  const api = useApiServer({ auth: "token" });
  const tokens: Record<string, { token: string; id: string }> = {};
  let trpc: ReturnType<typeof trpcOver>;
  /** The newest events, as an admin lists them over HTTP. */
  const audit = async (query: Record<string, unknown> = {}) => {
    const r = await trpc.query<TAuditEventRecord[]>("auditEvents.list", query, tokens.admin?.token);
    expect(r.error).toBeUndefined();
    return r.data;
  };

  beforeAll(async () => {
    trpc = trpcOver(api.url);
    for (const role of ["admin", "operator", "viewer"] as const) {
      const issued = await api.services.tokens.issue({ name: `audit ${role}`, role });
      tokens[role] = { token: issued.token, id: issued.record.id };
    }
  });

  it("records a change with its principal (role, token id and name), target and outcome ok", async () => {
    const cluster = doc("createCluster", {
      id: "aud-c1",
      status: "live",
      config: { publicHostname: "127.0.0.1" },
    });
    const r = await trpc.mutation("parser.applySpec", { document: cluster }, tokens.operator?.token);
    expect(r.status).toBe(200);
    const [event] = await audit({ action: "parser.createCluster" });
    expect(event).toMatchObject({
      actor: `operator:${tokens.operator?.id}`,
      principal: { role: "operator", tokenId: tokens.operator?.id, name: "audit operator" },
      target: "aud-c1",
      outcome: "ok",
      reason: null,
    });
    // The Parser records the action it took; the call itself adds no second event when it went through.
    expect(await audit({ action: "parser.applySpec" })).toEqual([]);

    const refused = await trpc.mutation("parser.applySpec", { document: cluster }, tokens.viewer?.token);
    expect(refused.status).toBe(403);
    expect(await audit({ action: "parser.applySpec" })).toMatchObject([
      { principal: { role: "viewer" }, outcome: "refused", input: { document: cluster } },
    ]);
  });

  it("records a refusal for a role too low, naming the role, and the target of the call", async () => {
    const r = await trpc.mutation(
      "functions.management",
      { name: "aud-fn", action: "reload", data: {} },
      tokens.viewer?.token,
    );
    expect(r.status).toBe(403);
    const [event] = await audit({ action: "functions.management" });
    expect(event).toMatchObject({
      principal: { role: "viewer", tokenId: tokens.viewer?.id, name: "audit viewer" },
      target: "name=aud-fn",
      outcome: "refused",
      reason: "functions.management needs role operator; this token has viewer",
    });
  });

  it("records an anonymous refusal without keeping its input", async () => {
    const r = await trpc.mutation("policies.dryRun", {
      policyRuleURI: "aud-p:1.0.0-stable",
      input: { big: "x" },
    });
    expect(r.status).toBe(401);
    const [event] = await audit({ action: "policies.dryRun" });
    expect(event).toMatchObject({
      actor: "anonymous",
      principal: null,
      target: "policyRuleURI=aud-p:1.0.0-stable",
      outcome: "refused",
      reason: "an API token is required",
      input: null,
    });
  });

  it("records a failure with the error's message", async () => {
    const r = await trpc.mutation(
      "functions.invoke",
      { name: "aud-missing", input: {} },
      tokens.operator?.token,
    );
    expect(r.status).toBe(404);
    const [event] = await audit({ action: "functions.invoke" });
    expect(event?.outcome).toBe("failed");
    expect(event?.reason).toContain("aud-missing");
  });

  it("records an admin-only change refused to an operator", async () => {
    const r = await trpc.mutation(
      "tokens.create",
      { name: "aud-new", role: "viewer" },
      tokens.operator?.token,
    );
    expect(r.status).toBe(403);
    const [event] = await audit({ action: "tokens.create" });
    expect(event).toMatchObject({
      outcome: "refused",
      reason: "tokens.create needs role admin; this token has operator",
    });
  });

  it("records the data plane's invokes: refused, failed, with the target and the answer's message", async () => {
    const post = (token: string | undefined) =>
      fetch(`${api.url}/v1/blocks/aud-blk/infer`, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          ...(token ? { authorization: `Bearer ${token}` } : {}),
        },
        body: JSON.stringify({ data: { text: "hi" } }),
      });
    expect((await post(tokens.viewer?.token)).status).toBe(403);
    expect((await post(tokens.operator?.token)).status).toBe(404);
    // Written once the answer is sent: wait for both events.
    await expect.poll(async () => (await audit({ action: "dataPlane.blockInfer" })).length).toBe(2);
    const [failed, refused] = await audit({ action: "dataPlane.blockInfer" });
    expect(refused).toMatchObject({
      principal: { role: "viewer", name: "audit viewer" },
      target: "block:aud-blk",
      outcome: "refused",
      reason: expect.stringContaining("this token has viewer"),
    });
    expect(failed).toMatchObject({
      principal: { role: "operator", name: "audit operator" },
      target: "block:aud-blk",
      outcome: "failed",
      reason: expect.stringContaining("aud-blk"),
    });
  });

  it("records a vDAG invoke with the vDAG as its target", async () => {
    const uri = "aud-none:1.0.0-stable";
    const r = await fetch(`${api.url}/v1/vdags/${encodeURIComponent(uri)}/infer`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${tokens.admin?.token}` },
      body: JSON.stringify({ data: { text: "hi" } }),
    });
    expect(r.status).toBe(404);
    await expect.poll(async () => (await audit({ action: "dataPlane.vdagInfer" })).length).toBe(1);
    const [event] = await audit({ action: "dataPlane.vdagInfer" });
    expect(event).toMatchObject({
      principal: { role: "admin", name: "audit admin" },
      target: `vdag:${uri}`,
      outcome: "failed",
      reason: expect.stringContaining(uri),
      input: null,
    });
  });

  it("filters by principal (token name, token id or role), action prefix, outcome and time, a page at a time", async () => {
    const byName = await audit({ principal: "audit viewer" });
    expect(byName.length).toBeGreaterThanOrEqual(2);
    expect(byName.every((e) => e.principal?.tokenId === tokens.viewer?.id)).toBe(true);
    expect((await audit({ principal: tokens.viewer?.id })).map((e) => e.id)).toEqual(byName.map((e) => e.id));
    expect((await audit({ principal: "viewer" })).map((e) => e.id)).toEqual(byName.map((e) => e.id));
    expect((await audit({ principal: "anonymous" })).map((e) => e.action)).toEqual(["policies.dryRun"]);

    const functions = await audit({ action: "functions.*" });
    expect(new Set(functions.map((e) => e.action))).toEqual(
      new Set(["functions.management", "functions.invoke"]),
    );
    expect((await audit({ outcome: "refused" })).every((e) => e.outcome === "refused")).toBe(true);

    expect(await audit({ since: new Date(Date.now() + 60_000).toISOString() })).toEqual([]);
    const all = await audit();
    expect(await audit({ since: new Date(Date.now() - 3_600_000).toISOString() })).toEqual(all);
    const page1 = await audit({ limit: 2 });
    const page2 = await audit({ limit: 2, offset: 2 });
    expect([...page1, ...page2].map((e) => e.id)).toEqual(all.slice(0, 4).map((e) => e.id));
  });

  it("is for admins alone", async () => {
    for (const role of ["operator", "viewer"] as const) {
      const r = await trpc.query("auditEvents.list", {}, tokens[role]?.token);
      expect([r.status, r.error?.message]).toEqual([
        403,
        `auditEvents.list needs role admin; this token has ${role}`,
      ]);
    }
  });

  it("keeps a reason or target holding half an emoji or a NUL (as a refused body's message may quote it)", async () => {
    await api.services.audit.record(null, {
      action: "dataPlane.storableText",
      target: "block:\ud83d",
      outcome: "refused",
      reason: 'Unexpected token in JSON at "\ud83d\u0000"',
    });
    const [event] = await audit({ action: "dataPlane.storableText" });
    expect(event).toMatchObject({
      target: "block:\uFFFD",
      reason: 'Unexpected token in JSON at "\uFFFD\\u0000"',
    });
  });
});
