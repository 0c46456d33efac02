import { createTestDatabase, startTestServer, type TestDatabase, type TestServer } from "@aios/db/testing";
import { findFreePort } from "@aios/service-kit";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTokenService } from "../src/domains/tokens/token.service";
import { type ApiProcess, startApiProcess, waitForApi } from "./api-process";
import { trpcOver } from "./trpc-http";

/**
 * Two real API processes on one database, in token mode, each keeping the tokens it has read: a
 * token revoked through one is refused by the other once PostgreSQL has told it (its trigger on
 * `api_tokens`, heard on the other's own LISTEN connection), with no request of its own to the
 * token's row in between.
 */
describe("a revocation through one API process holds in another", () => {
  let server: TestServer;
  let database: TestDatabase;
  const apis: Array<{ process: ApiProcess; url: string }> = [];
  let sql: pg.Client;
  let admin = "";

  beforeAll(async () => {
    server = await startTestServer();
    database = await createTestDatabase(server.adminUrl);
    for (let i = 0; i < 2; i++) {
      const url = `http://127.0.0.1:${await findFreePort()}`;
      const process = startApiProcess({
        DATABASE_URL: database.url,
        AIOS_QUEUE_BACKEND: "postgres",
        AIOS_API_HOST: "127.0.0.1",
        AIOS_API_PORT: new URL(url).port,
        AIOS_AUTH: "token",
      });
      apis.push({ process, url });
    }
    for (const a of apis) await waitForApi(a.url, a.process);
    admin = (await createTokenService(database.db).issue({ name: "admin", role: "admin" })).token;
    sql = new pg.Client({ connectionString: database.url });
    await sql.connect();
  }, 120_000);
  afterAll(async () => {
    await sql?.end();
    for (const a of apis) await a.process.stop();
    await database?.drop();
  });

  /** A viewer's query: 200 with a valid token, 401 without one. */
  const asViewer = (url: string, token: string) => trpcOver(url).query("clusters.list", {}, token);
  const issue = async (name: string) =>
    trpcOver(apis[0]?.url ?? "").mutation<{ id: string; token: string }>(
      "tokens.create",
      { name, role: "viewer" },
      admin,
    );

  it("keeps a token read, and refuses it in the other process once its revocation is heard", async () => {
    const [a, b] = apis;
    if (!a || !b) throw new Error("two API processes were to be started");
    const kept = (await issue("kept")).data;
    const revoked = (await issue("revoked")).data;
    for (const t of [kept, revoked]) {
      expect((await asViewer(a.url, t.token)).status).toBe(200);
      expect((await asViewer(b.url, t.token)).status).toBe(200);
    }
    // A revocation nobody announces (the trigger off) is not seen: the processes answer from what they keep.
    await sql.query(`ALTER TABLE api_tokens DISABLE TRIGGER api_tokens_changed`);
    try {
      await sql.query(`UPDATE api_tokens SET revoked_at = now() WHERE id = $1`, [kept.id]);
    } finally {
      await sql.query(`ALTER TABLE api_tokens ENABLE TRIGGER api_tokens_changed`);
    }
    expect((await asViewer(b.url, kept.token)).status).toBe(200);

    // Revoked through the first process: it refuses at once, the second once it heard.
    const t0 = performance.now();
    expect((await trpcOver(a.url).mutation("tokens.revoke", { id: revoked.id }, admin)).status).toBe(200);
    expect((await asViewer(a.url, revoked.token)).status).toBe(401);
    await expect
      .poll(async () => (await asViewer(b.url, revoked.token)).status, { timeout: 5_000, interval: 5 })
      .toBe(401);
    process.stdout.write(
      `revocation heard by the other API process within ${(performance.now() - t0).toFixed(1)} ms\n`,
    );
  });
});
