import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { migrateDeploy } from "../src/migrate";
import { ensureDatabase, withDatabase } from "../src/server/ensure-database";
import {
  createTestDatabase,
  ensureTemplate,
  startTestServer,
  TEMPLATE_DB,
  type TestServer,
} from "../src/testing";

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server?.stop();
});

async function sql<T extends pg.QueryResultRow>(url: string, text: string, values: unknown[] = []) {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return (await c.query<T>(text, values)).rows;
  } finally {
    await c.end();
  }
}

describe("migrateDeploy", () => {
  it("applies all migrations to a fresh database, then is a no-op", async () => {
    const name = `aios_mig_${Date.now().toString(36)}`;
    expect(await ensureDatabase(server.adminUrl, name)).toBe(true);
    expect(await ensureDatabase(server.adminUrl, name)).toBe(false);
    const url = withDatabase(server.adminUrl, name);
    try {
      const first = await migrateDeploy(url);
      console.log(`migrate deploy (fresh DB): ${first.ms} ms`);
      expect(first.output).toContain("All migrations have been successfully applied");
      const tables = await sql<{ t: string }>(
        url,
        "SELECT tablename AS t FROM pg_tables WHERE schemaname = 'public'",
      );
      expect(tables.map((r) => r.t)).toEqual(
        expect.arrayContaining([
          "clusters",
          "nodes",
          "gpus",
          "components",
          "blocks",
          "instances",
          "policies",
        ]),
      );
      const gin = await sql<{ n: number }>(
        url,
        "SELECT count(*)::int AS n FROM pg_indexes WHERE indexdef LIKE '%USING gin (doc jsonb_path_ops)%'",
      );
      expect(gin[0]?.n).toBe(7); // every registry table with a doc column
      const again = await migrateDeploy(url);
      expect(again.output).toContain("No pending migrations to apply");
    } finally {
      await sql(server.adminUrl, `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    }
  });

  it("throws with prisma's output when the database is unreachable", async () => {
    await expect(migrateDeploy("postgresql://nobody:x@127.0.0.1:1/none")).rejects.toThrow(
      /migrate deploy failed/,
    );
  });
});

describe("template databases", () => {
  it("builds the template once, clones it per test DB and rebuilds when migrations change", async () => {
    await ensureTemplate(server.adminUrl); // whatever state the server is in
    expect(await ensureTemplate(server.adminUrl)).toBe(0); // reused
    const t = Date.now();
    const tdb = await createTestDatabase(server.adminUrl);
    const cloneMs = Date.now() - t;
    console.log(`template clone + client: ${cloneMs} ms`);
    expect(cloneMs).toBeLessThan(1000);
    try {
      expect(await tdb.db.cluster.count()).toBe(0);
      const applied = await tdb.db.$queryRaw<
        { n: number }[]
      >`SELECT count(*)::int AS n FROM _prisma_migrations`;
      expect(applied[0]?.n).toBeGreaterThan(0);
    } finally {
      await tdb.drop();
    }
    const left = await sql(server.adminUrl, "SELECT 1 FROM pg_database WHERE datname = $1", [tdb.name]);
    expect(left).toHaveLength(0);

    // A stale marker (as after editing a migration) forces a rebuild; parallel callers share it.
    await sql(server.adminUrl, `COMMENT ON DATABASE ${TEMPLATE_DB} IS 'aios-migrations:stale'`);
    const builds = await Promise.all([1, 2, 3].map(() => ensureTemplate(server.adminUrl)));
    console.log(`template rebuild: ${Math.max(...builds)} ms`);
    expect(builds.filter((ms) => ms > 0)).toHaveLength(1);
    const dbs = await Promise.all([1, 2, 3].map(() => createTestDatabase(server.adminUrl)));
    await Promise.all(dbs.map((d) => d.drop()));
  });
});
