// PrismaClient factory. Prisma 6 "client" engine (no native query engine) over
// @prisma/adapter-pg, with the same pg settings as the CLI (src/pg-compat.ts): discrete
// connection fields and the name/"char" → text OID rewrite, which raw queries over catalog
// columns (e.g. `SELECT current_database()`) would otherwise trip over at runtime too.
import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import { PrismaClient } from "./generated/prisma/client";
import { poolConfigFromUrl } from "./pg-compat";
import { type SqlPool, sqlPoolOf } from "./sql";

export type Db = PrismaClient;

const sqlPools = new WeakMap<Db, SqlPool>();

export interface CreateDbOptions {
  /** Extra node-postgres pool settings (max, idleTimeoutMillis, ...). */
  pool?: pg.PoolConfig;
  log?: ("query" | "info" | "warn" | "error")[];
}

export function createDb(databaseUrl: string, options: CreateDbOptions = {}): Db {
  // One pool for Prisma and for plain SQL (sqlOf); `$disconnect` ends it.
  const pool = new pg.Pool(poolConfigFromUrl(databaseUrl, options.pool));
  const adapter = new PrismaPg(pool, { disposeExternalPool: true });
  const db = new PrismaClient({ adapter, ...(options.log ? { log: options.log } : {}) });
  sqlPools.set(db, sqlPoolOf(pool));
  return db;
}

/**
 * A connection of its own, outside the pool, with the same settings: for a session that must last,
 * such as one that LISTENs. The caller connects it, handles its "error" event and ends it.
 */
export function createDedicatedClient(databaseUrl: string, extra: pg.ClientConfig = {}): pg.Client {
  const { Client: _pooled, ...config } = poolConfigFromUrl(databaseUrl);
  return new pg.Client({ ...config, ...extra });
}

/** Plain SQL over the client's own connections (sql.ts), for hot paths. */
export function sqlOf(db: Db): SqlPool {
  const sql = sqlPools.get(db);
  if (!sql) throw new Error("sqlOf: this client was not made by createDb");
  return sql;
}
