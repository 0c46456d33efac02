// PrismaClient factory. Prisma 6 "client" engine (no native query engine) over
// @prisma/adapter-pg, with the same pg settings as the CLI (src/pg-compat.ts): discrete
// connection fields and the name/"char" → text OID rewrite, which raw queries over catalog
// columns (e.g. `SELECT current_database()`) would otherwise trip over at runtime too.
import { PrismaPg } from "@prisma/adapter-pg";
import type pg from "pg";
import { PrismaClient } from "./generated/prisma/client";
import { poolConfigFromUrl } from "./pg-compat";

export type Db = PrismaClient;

export interface CreateDbOptions {
  /** Extra node-postgres pool settings (max, idleTimeoutMillis, ...). */
  pool?: pg.PoolConfig;
  log?: ("query" | "info" | "warn" | "error")[];
}

export function createDb(databaseUrl: string, options: CreateDbOptions = {}): Db {
  const adapter = new PrismaPg(poolConfigFromUrl(databaseUrl, options.pool));
  return new PrismaClient({ adapter, ...(options.log ? { log: options.log } : {}) });
}
