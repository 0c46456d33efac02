import { chmodSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type PostgresServer, startPostgres } from "@aios/db";
import { findFreePort } from "@aios/service-kit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { useApiServer } from "./harness";

/**
 * A caller with a token is looked up in the database before any procedure runs: while PostgreSQL is
 * down that look-up answers 503 naming the database too, never an internal error carrying the
 * driver's message (what a grid in token mode met when its database restarted).
 */
describe("the API while its database is down, for a caller with a token", () => {
  const dir = mkdtempSync(join(tmpdir(), "aios-db-outage-token-"));
  chmodSync(dir, 0o755); // PostgreSQL runs as its own OS user when the tests run as root
  let port = 0;
  let pg: PostgresServer | undefined;
  const start = async () => {
    pg = await startPostgres({ dataDir: join(dir, "data"), port, durable: false });
  };
  beforeAll(async () => {
    port = await findFreePort();
    await start();
  });
  afterAll(async () => {
    await pg?.stop();
    rmSync(dir, { recursive: true, force: true });
  });
  // No async vDAG tasks here: their worker and sweep would only meet the outage, and its stop wait on them.
  const api = useApiServer({ adminUrl: () => pg?.adminUrl ?? "", vdagTaskWorker: false });
  const list = () =>
    fetch(`${api.url}/trpc/clusters.list?input=${encodeURIComponent("{}")}`, {
      headers: { authorization: "Bearer aios_not-a-stored-token" },
    });

  it("answers 503 naming the database while it is down, and serves again by itself", async () => {
    expect((await list()).status).toBe(200); // open mode: an unknown token acts as the open admin

    await pg?.stop();
    const refused = await list();
    const body = (await refused.json()) as { error: { message: string; data: { code: string } } };
    expect([refused.status, body.error.data.code, body.error.message]).toEqual([
      503,
      "SERVICE_UNAVAILABLE",
      expect.stringMatching(/^the database \(PostgreSQL\) is unreachable \(.+\); try again shortly$/),
    ]);

    await start();
    await expect.poll(async () => (await list()).status, { timeout: 30_000, interval: 250 }).toBe(200);
  });
});
