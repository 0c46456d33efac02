import { describe, expect, it } from "vitest";
import { useApiServer } from "./harness";

describe("API over HTTP", () => {
  const api = useApiServer();
  const tokenApi = useApiServer({ auth: "token" });

  it("GET /healthz reports postgres, queues, Redis and agents as JSON", async () => {
    const res = await fetch(`${api.url}/healthz`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("application/json");
    const body = (await res.json()) as Record<string, unknown>;
    expect(body).toMatchObject({
      status: "ok",
      postgres: { ok: true },
      queue: { ok: true, backend: "redis" },
      redis: { status: "ok" },
      agents: { total: 0, live: 0, clusters: [] },
    });
  });

  it("GET /healthz and health.status show cluster ids and error texts to viewers and above only", async () => {
    await tokenApi.database.db.cluster.create({
      data: { id: "hz-secret", lastSeenAt: new Date(), doc: {} },
    });
    const viewer = (await tokenApi.services.tokens.issue({ name: "hz viewer", role: "viewer" })).token;
    const get = async (path: string, token?: string) =>
      (await (
        await fetch(`${tokenApi.url}${path}`, { headers: token ? { authorization: `Bearer ${token}` } : {} })
      ).json()) as { agents?: unknown; result?: { data: { agents: unknown } } };
    const anonymous = { total: 1, live: 1 };
    expect((await get("/healthz")).agents).toEqual(anonymous);
    expect((await get("/trpc/health.status")).result?.data.agents).toEqual(anonymous);
    expect((await get("/healthz", viewer)).agents).toMatchObject({
      clusters: [{ id: "hz-secret", live: true }],
    });
    expect((await get("/trpc/health.status", viewer)).result?.data.agents).toMatchObject({
      clusters: [{ id: "hz-secret" }],
    });
  });

  it("maps a validation error to 400 with the field issues, and hides nothing useful", async () => {
    const res = await fetch(`${api.url}/trpc/parser.applySpec`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        document: {
          header: { templateUri: "Parser/V1", action: "createCluster" },
          body: { spec: { values: { id: "Bad_Id" } } },
        },
      }),
    });
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: { data: { issues: Array<{ path: string }> } } };
    const paths = body.error.data.issues.map((i) => i.path);
    expect(paths).toContain("body.spec.values.id");
    expect(paths).toContain("body.spec.values.config");
  });

  it("names the field of a reference that was not found", async () => {
    const res = await fetch(`${api.url}/trpc/parser.applySpec`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        document: {
          header: { templateUri: "Parser/V1", action: "createBlock" },
          body: {
            spec: {
              values: { blockComponentURI: "model.nope:1.0.0-stable", minInstances: 1, maxInstances: 1 },
            },
          },
        },
      }),
    });
    expect(res.status).toBe(404);
    const body = (await res.json()) as {
      error: { data: { issues: Array<{ path: string; message: string }> } };
    };
    expect(body.error.data.issues).toEqual([
      { path: "blockComponentURI", message: 'component "model.nope:1.0.0-stable" was not found' },
    ]);
  });

  it("answers unknown routes with 404 JSON", async () => {
    const res = await fetch(`${api.url}/nope`);
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({ error: { code: "NOT_FOUND", message: "no route for GET /nope" } });
  });
});
