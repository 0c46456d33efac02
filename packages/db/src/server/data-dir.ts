// Where the embedded server keeps its data when we are root and postgres runs as its own OS user.
import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { chmod, mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { type RunAs, untraversable } from "./os-user";

/** Root of the shared data directories, one per project home. */
export const SHARED_DATA_ROOT = "/var/lib/aios";

/**
 * A persistent data directory for `home` that the postgres OS user can reach even when `home`
 * is private (a checkout under /root, mode 0700): `/var/lib/aios/<hash of home>/postgres`.
 * The same home always maps to the same directory, so the data survives restarts.
 */
export function sharedDataDirFor(home: string, root = SHARED_DATA_ROOT): string {
  const hash = createHash("sha256").update(path.resolve(home)).digest("hex").slice(0, 12);
  return path.join(root, hash, "postgres");
}

export interface DataDirChoice {
  dataDir: string;
  /** Set when the fallback is used: why, in one line. */
  fallbackReason?: string;
}

/**
 * `dataDir` when `user` can reach it; else `fallbackDataDir` (its parents created root-owned,
 * mode 0755, so the user can traverse them). The fallback is also kept once it holds a cluster
 * and `dataDir` does not, so a later chmod of the home does not hide the data already there.
 * Without a fallback the caller's assertTraversable explains what to chmod.
 */
export async function chooseDataDir(
  dataDir: string,
  fallbackDataDir: string | undefined,
  user: RunAs | undefined,
): Promise<DataDirChoice> {
  if (!user || !fallbackDataDir) return { dataDir };
  const fallback = path.resolve(fallbackDataDir);
  const blocked = untraversable(user, [path.dirname(dataDir)]);
  const fallbackHasData = existsSync(path.join(fallback, "PG_VERSION"));
  if (blocked === undefined && !(fallbackHasData && !existsSync(path.join(dataDir, "PG_VERSION")))) {
    return { dataDir };
  }
  const parent = path.dirname(fallback);
  // Whatever the umask, every directory created here must be traversable by the user.
  const first = await mkdir(parent, { recursive: true });
  if (first) {
    for (let d = parent; ; d = path.dirname(d)) {
      await chmod(d, 0o755);
      if (d === first || d === path.dirname(d)) break;
    }
  }
  // Says which project the directory belongs to, for whoever finds it under /var/lib.
  await writeFile(path.join(parent, "source"), `${path.dirname(dataDir)}\n`);
  const fallbackReason =
    blocked === undefined
      ? `it already holds this project's data`
      : `OS user "${user.name}" cannot reach ${dataDir} (${blocked} is private)`;
  return { dataDir: fallback, fallbackReason };
}
