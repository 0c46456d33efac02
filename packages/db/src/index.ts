// @aios/db: Prisma schema + client, migrations, embedded PostgreSQL, filter → SQL.
export { type CreateDbOptions, createDb, createDedicatedClient, type Db, sqlOf } from "./client";
export * from "./filter";
export type * from "./generated/prisma/client";
export { Prisma, PrismaClient } from "./generated/prisma/client";
export { type MigrateResult, migrateDeploy, migrationsDir, migrationsHash } from "./migrate";
export { SHARED_DATA_ROOT, sharedDataDirFor } from "./server/data-dir";
export {
  freePort,
  type PostgresServer,
  type StartPostgresOptions,
  startPostgres,
} from "./server/embedded-postgres";
export { ensureDatabase, withDatabase } from "./server/ensure-database";
export { type Sql, type SqlPool, sqlOfTx } from "./sql";
