import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fakeUpstream } from "./fake-upstream";
import { useApiServer } from "./harness";

const VDAG = "dpa-text:1.0.0-stable";
const OTHER_VDAG = "dpa-image:1.0.0-stable";
const BLOCK = "blk-dpa-echo";

/** Who may use the data plane in token mode: operators, admins and data keys within their scopes. */
describe("the data plane's callers, with real tokens", () => {
  const api = useApiServer({ auth: "token" });
  const controller = fakeUpstream("/v1/infer");
  const executor = fakeUpstream("/infer");
  const tokens: Record<string, string> = {};

  const call = async (
    method: string,
    path: string,
    token?: string,
    body: unknown = { data: { text: "hi" } },
  ) => {
    const res = await fetch(`${api.url}${path}`, {
      method,
      headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
      ...(method === "POST" ? { body: JSON.stringify(body) } : {}),
    });
    return {
      status: res.status,
      body: (await res.json()) as Record<string, unknown> & { error?: { message: string } },
    };
  };
  const vdagPath = (uri: string) => `/v1/vdags/${encodeURIComponent(uri)}/infer`;
  const blockPath = `/v1/blocks/${BLOCK}/infer`;

  beforeAll(async () => {
    const db = api.database.db;
    for (const [uri, name] of [
      [VDAG, "dpa-text"],
      [OTHER_VDAG, "dpa-image"],
    ] as const) {
      await db.vdag.create({
        data: { vdagURI: uri, vdagName: name, version: "1.0.0", releaseTag: "stable", status: "active" },
      });
    }
    const url = await controller.listen();
    await db.vdagController.createMany({
      data: [
        { id: "vdc-dpa-text", vdagURI: VDAG, status: "running", url },
        { id: "vdc-dpa-image", vdagURI: OTHER_VDAG, status: "running", url },
      ],
    });
    await db.component.create({
      data: {
        componentURI: "model.dpa:1.0.0-stable",
        componentType: "model",
        name: "dpa",
        version: "1.0.0",
        releaseTag: "stable",
      },
    });
    await db.block.create({
      data: {
        id: BLOCK,
        componentURI: "model.dpa:1.0.0-stable",
        status: "running",
        doc: { runtime: { revision: 1, executorEndpoint: await executor.listen() } },
      },
    });
    const t = api.services.tokens;
    tokens.operator = (await t.issue({ name: "dpa operator", role: "operator" })).token;
    tokens.admin = (await t.issue({ name: "dpa admin", role: "admin" })).token;
    tokens.viewer = (await t.issue({ name: "dpa viewer", role: "viewer" })).token;
    tokens.agent = (await t.issue({ name: "dpa agent", role: "agent", scope: "dpa-c1" })).token;
    tokens.join = (await t.issue({ name: "dpa join", role: "join", scope: "dpa-c1" })).token;
    tokens.textKey = (
      await t.issue({ name: "dpa text key", role: "data", scopes: ["vdag:dpa-text:*"] })
    ).token;
    tokens.blockKey = (
      await t.issue({ name: "dpa block key", role: "data", scopes: [`block:${BLOCK}`] })
    ).token;
  });
  afterAll(() => {
    controller.server.close();
    executor.server.close();
  });

  it("answers 401 without a token, or with an unknown one", async () => {
    for (const token of [undefined, "aios_unknown"]) {
      for (const [method, path] of [
        ["POST", vdagPath(VDAG)],
        ["POST", blockPath],
        ["GET", "/v1/tasks/00000000-0000-0000-0000-000000000000"],
      ] as const) {
        const r = await call(method, path, token);
        expect([r.status, r.body.error?.message]).toEqual([401, "an API token is required"]);
      }
    }
  });

  it("lets operators and admins invoke any block or vDAG", async () => {
    for (const token of [tokens.operator, tokens.admin]) {
      expect((await call("POST", vdagPath(VDAG), token)).status).toBe(200);
      expect((await call("POST", vdagPath(OTHER_VDAG), token)).status).toBe(200);
      expect((await call("POST", blockPath, token)).status).toBe(200);
    }
  });

  it("refuses viewer, agent and join tokens with 403 naming the role, before forwarding anything", async () => {
    const forwarded = controller.received.length + executor.received.length;
    for (const role of ["viewer", "agent", "join"]) {
      const vdag = await call("POST", vdagPath(VDAG), tokens[role]);
      expect([vdag.status, vdag.body.error?.message]).toEqual([
        403,
        `POST /v1/vdags/:vdagURI/infer needs role operator (or a data key in scope); this token has ${role}`,
      ]);
      const block = await call("POST", blockPath, tokens[role]);
      expect([block.status, block.body.error?.message]).toEqual([
        403,
        `POST /v1/blocks/:blockId/infer needs role operator (or a data key in scope); this token has ${role}`,
      ]);
      const task = await call("GET", "/v1/tasks/00000000-0000-0000-0000-000000000000", tokens[role]);
      expect(task.status).toBe(403);
    }
    expect(controller.received.length + executor.received.length).toBe(forwarded);
  });

  it("lets a data key invoke what its scopes name, and refuses the rest naming the scope it lacks", async () => {
    expect((await call("POST", vdagPath(VDAG), tokens.textKey)).status).toBe(200);
    const other = await call("POST", vdagPath(OTHER_VDAG), tokens.textKey);
    expect([other.status, other.body.error?.message]).toEqual([
      403,
      `POST /v1/vdags/:vdagURI/infer: this data key lacks the scope vdag:${OTHER_VDAG} (its scopes: vdag:dpa-text:*)`,
    ]);
    const block = await call("POST", blockPath, tokens.textKey);
    expect([block.status, block.body.error?.message]).toEqual([
      403,
      `POST /v1/blocks/:blockId/infer: this data key lacks the scope block:${BLOCK} (its scopes: vdag:dpa-text:*)`,
    ]);
    expect((await call("POST", blockPath, tokens.blockKey)).status).toBe(200);
    expect((await call("POST", vdagPath(VDAG), tokens.blockKey)).status).toBe(403);
  });

  it("lets a data key read the tasks of the vDAGs in its scopes only", async () => {
    const submitted = await call("POST", `${vdagPath(VDAG)}?async=1`, tokens.textKey);
    expect(submitted.status).toBe(202);
    const taskPath = `/v1/tasks/${submitted.body.taskId as string}`;
    expect((await call("GET", taskPath, tokens.textKey)).status).toBe(200);
    expect((await call("GET", taskPath, tokens.operator)).status).toBe(200);
    const outOfScope = await call("GET", taskPath, tokens.blockKey);
    expect([outOfScope.status, outOfScope.body.error?.message]).toEqual([
      403,
      `GET /v1/tasks/:taskId: this data key lacks the scope vdag:${VDAG} (its scopes: block:${BLOCK})`,
    ]);
  });

  it("refuses a data key once it is revoked or expired", async () => {
    const key = await api.services.tokens.issue({
      name: "dpa short",
      role: "data",
      scopes: ["vdag:dpa-text:*"],
    });
    expect((await call("POST", vdagPath(VDAG), key.token)).status).toBe(200);
    await api.services.tokens.revoke(key.id);
    expect((await call("POST", vdagPath(VDAG), key.token)).status).toBe(401);
    const expired = await api.services.tokens.issue({
      name: "dpa expired",
      role: "data",
      scopes: ["vdag:dpa-text:*"],
      expiresAt: new Date(Date.now() - 1),
    });
    expect((await call("POST", vdagPath(VDAG), expired.token)).status).toBe(401);
  });

  it("gives a data key nothing on the management plane", async () => {
    const res = await fetch(`${api.url}/trpc/clusters.list`, {
      headers: { authorization: `Bearer ${tokens.textKey}` },
    });
    expect(res.status).toBe(403);
  });
});
