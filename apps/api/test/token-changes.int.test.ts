import { createLogger } from "@aios/service-kit";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hashToken } from "../src/auth/token-hash";
import { createTokenService } from "../src/domains/tokens/token.service";
import { createTokenCache, startTokenChanges } from "../src/domains/tokens/token-cache";
import { useApi } from "./harness";

/**
 * The API's token cache on a real PostgreSQL: the trigger of `api_tokens` announces every change
 * to what a token grants, whatever wrote it, and the process listening forgets the token; nothing
 * is kept while it does not listen.
 */
describe("tokens kept while PostgreSQL tells of their changes", () => {
  const api = useApi();
  const log = createLogger({ service: "token-test" }, { level: "error" });
  let changes: ReturnType<typeof startTokenChanges>;
  let cache: ReturnType<typeof createTokenCache>;
  let tokens: ReturnType<typeof createTokenService>;
  let sql: pg.Client;

  beforeAll(async () => {
    changes = startTokenChanges({
      databaseUrl: api.database.url,
      log,
      onChange: (id) => cache.forget(id),
      heartbeatMs: 500,
    });
    cache = createTokenCache(changes);
    tokens = createTokenService(api.database.db, cache);
    await changes.ready();
    sql = new pg.Client({ connectionString: api.database.url });
    await sql.connect();
  });
  afterAll(async () => {
    await sql?.end();
    await changes?.stop();
  });

  const issue = async (name: string) => {
    const { id, token } = await tokens.issue({ name, role: "data", scopes: ["block:b1"] });
    return { id, hash: hashToken(token) };
  };
  /** Writes behind the API's back, as another API process or a maintenance script would. */
  const write = (statement: string, id: string) => sql.query(statement, [id]);

  it("reads a token once and keeps it: a change the trigger does not announce is not seen", async () => {
    const { id, hash } = await issue("kept");
    expect(await tokens.findActive(hash)).toMatchObject({ id, role: "data" });
    // With the trigger off, a revocation is silent: the kept token is what answers.
    await sql.query(`ALTER TABLE api_tokens DISABLE TRIGGER api_tokens_changed`);
    try {
      await write(`UPDATE api_tokens SET revoked_at = now() WHERE id = $1`, id);
      expect(await tokens.findActive(hash)).toMatchObject({ id });
    } finally {
      await sql.query(`ALTER TABLE api_tokens ENABLE TRIGGER api_tokens_changed`);
    }
    // Any announced change to it makes the process read it again, revoked.
    await write(`UPDATE api_tokens SET scopes = '{block:b2}' WHERE id = $1`, id);
    await expect.poll(() => tokens.findActive(hash), { timeout: 2_000 }).toBeNull();
  });

  it("holds a revocation, a new role and a removal made by any writer once their notification arrives", async () => {
    const revoked = await issue("revoked");
    const demoted = await issue("demoted");
    const removed = await issue("removed");
    for (const t of [revoked, demoted, removed]) expect(await tokens.findActive(t.hash)).not.toBeNull();
    expect(cache.size()).toBeGreaterThanOrEqual(3);

    await write(`UPDATE api_tokens SET revoked_at = now() WHERE id = $1`, revoked.id);
    await write(`UPDATE api_tokens SET role = 'viewer' WHERE id = $1`, demoted.id);
    await write(`DELETE FROM api_tokens WHERE id = $1`, removed.id);
    await expect.poll(() => tokens.findActive(revoked.hash), { timeout: 2_000 }).toBeNull();
    await expect
      .poll(async () => (await tokens.findActive(demoted.hash))?.role, { timeout: 2_000 })
      .toBe("viewer");
    await expect.poll(() => tokens.findActive(removed.hash), { timeout: 2_000 }).toBeNull();
  });

  it("revoking through the service holds on the very next look-up", async () => {
    const { id, hash } = await issue("revoked-here");
    expect(await tokens.findActive(hash)).not.toBeNull();
    await tokens.revoke(id);
    expect(await tokens.findActive(hash)).toBeNull();
  });

  it("writing last_used_at announces nothing: a used token stays kept", async () => {
    const { id, hash } = await issue("used");
    await tokens.findActive(hash);
    const before = cache.size();
    await tokens.markUsed(id);
    await new Promise((r) => setTimeout(r, 200));
    expect(cache.size()).toBe(before);
  });

  it("uses nothing kept once its connection is lost, and keeps tokens again when it listens anew", async () => {
    const { id, hash } = await issue("across-a-reconnect");
    await tokens.findActive(hash);
    const session = changes.session();
    await sql.query(
      `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
        WHERE application_name = 'aios-api-token-changes' AND datname = current_database()`,
    );
    await expect.poll(() => changes.session(), { timeout: 5_000 }).toBeGreaterThan(session);
    // While it was not listening the trigger's notification could be missed: a silent revocation
    // is seen anyway, because the token is read again.
    await sql.query(`ALTER TABLE api_tokens DISABLE TRIGGER api_tokens_changed`);
    try {
      await write(`UPDATE api_tokens SET revoked_at = now() WHERE id = $1`, id);
    } finally {
      await sql.query(`ALTER TABLE api_tokens ENABLE TRIGGER api_tokens_changed`);
    }
    expect(await tokens.findActive(hash)).toBeNull();
    await changes.ready();
    const fresh = await issue("after-the-reconnect");
    await tokens.findActive(fresh.hash);
    expect(cache.get(fresh.hash)).toMatchObject({ id: fresh.id });
  });

  it("forgets every token when the table is emptied", async () => {
    const { hash } = await issue("emptied");
    await tokens.findActive(hash);
    await sql.query(`TRUNCATE api_tokens`);
    await expect.poll(() => cache.size(), { timeout: 2_000 }).toBe(0);
    expect(await tokens.findActive(hash)).toBeNull();
  });
});
