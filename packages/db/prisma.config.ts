// Prisma 6.19.3 CLI configuration. Always run the CLI through scripts/prisma.mjs, which
// adds the process-level workarounds (1: dummy engine paths, 5: timer preload).
// The workarounds that live here (see README.md for the full list and why):
//  - engine "js": the wasm schema engine, because the native one cannot be downloaded here.
//  - 2 + 3: discrete connection fields + name→text OID rewrite (src/pg-compat.ts).
//  - 4: a shadow DB that is dropped only after its pool is closed.
//  - 6: whole-script execution of migrations (upstream splits them on every ";").
import { randomUUID } from "node:crypto";
import { PrismaPg } from "@prisma/adapter-pg";
import type pg from "pg";
import { defineConfig } from "prisma/config";
import { poolConfigFromUrl } from "./src/pg-compat";

// `generate` needs no database, but the schema's `env("DATABASE_URL")` must resolve.
const DUMMY_URL = "postgresql://aios:aios@127.0.0.1:5432/aios";
process.env.DATABASE_URL ||= DUMMY_URL;

type Adapter = Awaited<ReturnType<PrismaPg["connect"]>>;

/**
 * Workaround 6: adapter-pg's executeScript splits a migration on EVERY ";" (also inside
 * string literals and $$ function bodies), so e.g. a plpgsql trigger cannot be migrated.
 * One simple-protocol query runs the whole script, as `psql -1` would, atomically.
 */
function wholeScript(adapter: Adapter): Adapter {
  adapter.executeScript = async (script: string) => {
    try {
      await adapter.underlyingDriver().query(script);
    } catch (error) {
      // onError is protected: it converts pg errors into the DriverAdapterError the engine reports.
      (adapter as unknown as { onError(e: unknown): never }).onError(error);
    }
  };
  return adapter;
}

/**
 * Workaround 4: upstream `connectToShadowDb` runs `DROP DATABASE` while the shadow pool
 * is still connected ("is being accessed by other users") and never closes its admin
 * pool. We close the shadow pool first, then force-drop, then close the admin pool.
 */
class ShadowSafePrismaPg extends PrismaPg {
  constructor(private readonly poolConfig: pg.PoolConfig) {
    super(poolConfig);
  }

  override async connect(): Promise<Adapter> {
    return wholeScript(await super.connect());
  }

  override async connectToShadowDb(): Promise<Adapter> {
    const admin = await this.connect();
    const database = `prisma_migrate_shadow_db_${randomUUID()}`;
    await admin.executeScript(`CREATE DATABASE "${database}"`);
    const shadow = wholeScript(await new PrismaPg({ ...this.poolConfig, database }).connect());
    const closeShadow = shadow.dispose.bind(shadow);
    shadow.dispose = async () => {
      await closeShadow();
      try {
        await admin.executeScript(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
      } finally {
        await admin.dispose();
      }
    };
    return shadow;
  }
}

export default defineConfig({
  experimental: { adapter: true },
  engine: "js",
  schema: "prisma/schema.prisma",
  migrations: { path: "prisma/migrations" },
  // allowExitOnIdle: idle pooled sockets otherwise keep the CLI alive for idleTimeoutMillis (10 s).
  adapter: async () =>
    new ShadowSafePrismaPg(
      poolConfigFromUrl(process.env.DATABASE_URL ?? DUMMY_URL, { allowExitOnIdle: true }),
    ),
});
