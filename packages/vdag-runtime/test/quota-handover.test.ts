import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { closeAfterEach, infer, policy, setup } from "./controller-fixture";
import { getJson, post } from "./fake-executor";

closeAfterEach();

const put = async (url: string, body: unknown) => {
  const res = await fetch(url, {
    method: "PUT",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  // biome-ignore lint/suspicious/noExplicitAny: tests read arbitrary answers
  return { status: res.status, body: (await res.json()) as any };
};

// The example quota policy as shipped (fixed windows, limits set by management), in the real sandbox.
const windowed = (limit: number) => ({
  policy: {
    policyRuleURI: "per-session-quota:1.0.0-stable",
    code: readFileSync(new URL("../../../examples/policies/per-session-quota.ts", import.meta.url), "utf8"),
    settings: { limit, windowSeconds: 1_000_000_000 },
  },
});

describe("quota counts across a controller restart", () => {
  it("hands over what changed, and a controller started again refuses the (N+1)th request of the window", async () => {
    const first = await setup({ quota: windowed(3) });
    for (let i = 0; i < 3; i++) expect((await infer(first.url, "s1")).status).toBe(200);
    await post(`${first.url}/quota/mgmt`, { action: "setLimit", data: { sessionId: "s2", limit: 1 } });
    const changes = await post(`${first.url}/quota/changes`, {});
    expect(changes.status).toBe(200);
    expect(changes.body).toMatchObject({
      total: 3,
      sessions: [{ sessionId: "s1", count: 3 }],
      policy: { key: expect.any(String), state: { before: { s1: 0 }, overrides: { s2: 1 } } },
    });
    // Nothing changed since: nothing to hand over.
    expect((await post(`${first.url}/quota/changes`, {})).body).toBeNull();
    await first.ctl.close(1000);

    // Started again, it waits for the stored quota and refuses requests until it has it.
    const again = await setup({ quota: windowed(3) }, { restoreQuota: true });
    const early = await infer(again.url, "s1");
    expect(early.status).toBe(503);
    expect(early.body.error).toMatchObject({
      stage: "quota",
      message: expect.stringMatching(/not restored yet/),
    });
    const { version, total, sessions, policy: saved } = changes.body;
    const state = {
      version,
      total,
      sessions: Object.fromEntries(
        sessions.map((s: { sessionId: string; count: number }) => [s.sessionId, s.count]),
      ),
      policy: saved,
    };
    expect(await put(`${again.url}/quota/state`, state)).toEqual({
      status: 200,
      body: { ok: true, applied: true },
    });
    const refused = await infer(again.url, "s1");
    expect(refused.status).toBe(429);
    expect(refused.body.error.message).toMatch(/^session s1 used its 3 requests per 1000000000 s/);
    // The limit set by management came back with the policy's state.
    expect((await infer(again.url, "s2")).status).toBe(200);
    expect((await infer(again.url, "s2")).status).toBe(429);
    expect(await getJson(`${again.url}/quota/s1`)).toEqual({ sessionId: "s1", count: 3, exists: true });

    // A running controller keeps its own counts: a second hand-over is not applied.
    expect((await put(`${again.url}/quota/state`, { ...state, sessions: {} })).body).toEqual({
      ok: true,
      applied: false,
    });
    expect(await getJson(`${again.url}/quota/s1`)).toMatchObject({ count: 3 });
  });

  it("orders resets and hand-overs by version, and a reset is handed over as a count of 0", async () => {
    const { url } = await setup({ quota: { policy: policy("per-session-quota", { limit: 2 }) } });
    await infer(url, "s1");
    const drained = (await post(`${url}/quota/changes`, {})).body;
    // This test policy keeps no state of its own (it refuses `aios.saveState`): counts only.
    expect(drained).not.toHaveProperty("policy");
    const reset = (await post(`${url}/quota/reset/s1`, {})).body;
    expect(reset).toEqual({ ok: true, sessionId: "s1", count: 0, version: drained.version + 1 });
    const after = (await post(`${url}/quota/changes`, {})).body;
    expect(after).toMatchObject({
      version: reset.version + 1,
      total: 1,
      sessions: [{ sessionId: "s1", count: 0 }],
    });
    // A deleted session is handed over as null.
    expect((await fetch(`${url}/quota/s1`, { method: "DELETE" })).status).toBe(200);
    expect((await post(`${url}/quota/changes`, {})).body.sessions).toEqual([
      { sessionId: "s1", count: null },
    ]);
  });

  it("refuses a malformed quota state naming the field", async () => {
    const { url } = await setup({}, { restoreQuota: true });
    const bad = await put(`${url}/quota/state`, { version: 1, total: -1, sessions: {}, policy: null });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/invalid quota state: .*total/);
    expect((await infer(url, "s1")).status).toBe(503);
  });
});
