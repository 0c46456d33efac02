import { chmodSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type PostgresServer, startPostgres } from "@aios/db";
import { findFreePort } from "@aios/service-kit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { databaseUnreachable } from "../src/db-unreachable";
import { rejection, useApiServer } from "./harness";

/**
 * While PostgreSQL is down the API answers 503 naming the database (tRPC and the data plane alike),
 * never an internal error; when it is back the API serves again by itself, with no restart.
 */
describe("the API while its database is down", () => {
  const dir = mkdtempSync(join(tmpdir(), "aios-db-outage-"));
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

  it("answers 503 naming the database while it is down, and recovers by itself", async () => {
    expect(await api.caller().clusters.list({})).toEqual([]);

    await pg?.stop();
    const refused = await rejection(api.caller().clusters.list({}));
    expect([refused.code, refused.message]).toEqual([
      "SERVICE_UNAVAILABLE",
      expect.stringMatching(/^the database \(PostgreSQL\) is unreachable \(.+\); try again shortly$/),
    ]);
    const plane = await fetch(`${api.url}/v1/blocks/no-such-block/infer`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ data: {} }),
    });
    expect(plane.status).toBe(503);
    expect(((await plane.json()) as { error: { message: string } }).error.message).toMatch(
      /^the database \(PostgreSQL\) is unreachable/,
    );

    await start();
    await expect
      .poll(
        async () =>
          (await api
            .caller()
            .clusters.list({})
            .catch((e: Error) => e.message)) as unknown,
        {
          timeout: 30_000,
          interval: 250,
        },
      )
      .toEqual([]);
  });

  it("names the database only for errors that say it is unreachable", () => {
    expect(
      databaseUnreachable(Object.assign(new Error("connect ECONNREFUSED"), { code: "ECONNREFUSED" })),
    ).not.toBeNull();
    expect(
      databaseUnreachable(new Error("x", { cause: { code: "57P01", message: "terminating" } })),
    ).not.toBeNull();
    expect(databaseUnreachable(Object.assign(new Error("duplicate key"), { code: "23505" }))).toBeNull();
    expect(databaseUnreachable(new Error("Cannot read properties of undefined"))).toBeNull();
  });
});
