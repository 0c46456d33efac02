/**
 * `npm run -w @aios/db check:drift`: applies the migrations to a throwaway embedded Postgres and
 * asks Prisma for the migration that would bring it to schema.prisma; it must be empty. (The JS
 * schema engine cannot `migrate diff` against a URL, so this goes through `migrate dev --create-only`.)
 */
import { execFileSync } from "node:child_process";
import { chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { migrateDeploy } from "../src/migrate";
import { startPostgres } from "../src/server/embedded-postgres";

const pkg = resolve(import.meta.dirname, "..");
const migrations = join(pkg, "prisma", "migrations");
const dir = mkdtempSync(join(tmpdir(), "aios-drift-"));
chmodSync(dir, 0o755);
const pg = await startPostgres({ dataDir: join(dir, "pg"), durable: false });
let drift = "";
try {
  await migrateDeploy(pg.url);
  const before = new Set(readdirSync(migrations));
  try {
    execFileSync("node", ["scripts/prisma.mjs", "migrate", "dev", "--create-only", "--name", "drift_check"], {
      cwd: pkg,
      env: { ...process.env, DATABASE_URL: pg.url },
      stdio: "pipe",
    });
  } catch {
    // Prisma's wasm engine may crash after writing an empty migration; the file is what we read.
  }
  for (const name of readdirSync(migrations).filter((n) => !before.has(n))) {
    const sql = readFileSync(join(migrations, name, "migration.sql"), "utf8");
    drift += sql.replace(/^-- This is an empty migration\.\s*$/m, "").trim();
    rmSync(join(migrations, name), { recursive: true, force: true });
  }
} finally {
  await pg.stop();
  rmSync(dir, { recursive: true, force: true });
}
if (drift) {
  process.stderr.write(`schema.prisma and the migrations differ; missing migration:\n${drift}\n`);
  process.exit(1);
}
process.stdout.write("schema.prisma and the migrations agree\n");
