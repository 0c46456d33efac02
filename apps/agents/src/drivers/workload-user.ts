import { execFileSync, spawnSync } from "node:child_process";
import { chmodSync, chownSync, lstatSync, mkdirSync, rmSync, statSync } from "node:fs";
import { dirname, join, parse } from "node:path";

/** The OS user whose uid and gid user workloads run with. */
export interface WorkloadUser {
  name: string;
  uid: number;
  gid: number;
}

/**
 * Who the agent's workloads run as, and where they may write. An agent running as root starts them
 * as `AIOS_WORKLOAD_USER` (default `nobody`), so component code cannot read AIOS_HOME, the token
 * files or the database's data; an agent running as anyone else starts them as itself.
 *
 * Each workload gets a home of its own under `dir`; the tree under `dir` belongs to the workload
 * user and the agent only ever changes it *as* that user, so a symbolic link planted there cannot
 * make root write or remove anything elsewhere.
 */
export interface WorkloadIdentity {
  /** null: workloads run as the agent's own user. */
  readonly user: WorkloadUser | null;
  /** The root of the workloads' writable directories (outside AIOS_HOME, which is 0700). */
  readonly dir: string;
  /** `uid`/`gid` for `spawn` and `fork`; empty when workloads run as the agent's user. */
  spawnOptions(): { uid?: number; gid?: number };
  /** A new empty directory of the workload user's at `<dir>/<relative>`, made afresh. */
  freshDir(relative: string): string;
  /** Removes `<dir>/<relative>` and what is in it, as the workload user. */
  removeDir(relative: string): void;
}

/** Resolves a user name (or a numeric `uid[:gid]`) to its uid and gid. */
export function resolveWorkloadUser(spec: string): WorkloadUser {
  const numeric = /^(\d+)(?::(\d+))?$/.exec(spec);
  if (numeric) {
    const uid = Number(numeric[1]);
    return { name: spec, uid, gid: Number(numeric[2] ?? uid) };
  }
  const id = (flag: string) => {
    try {
      return Number(execFileSync("id", [flag, "--", spec], { encoding: "utf8" }).trim());
    } catch {
      throw new Error(`AIOS_WORKLOAD_USER: there is no user ${JSON.stringify(spec)} on this machine`);
    }
  };
  return { name: spec, uid: id("-u"), gid: id("-g") };
}

/**
 * The identity of the workloads: `user`, or the agent's own user when null. Makes `dir` (its parent
 * is the agent's, so it is made here, as the agent) and hands it to the workload user.
 */
export function createWorkloadIdentity(opts: { dir: string; user: WorkloadUser | null }): WorkloadIdentity {
  const { user } = opts;
  if (user?.uid === 0) throw new Error("AIOS_WORKLOAD_USER must not be root (uid 0)");
  mkdirSync(opts.dir, { recursive: true });
  if (!lstatSync(opts.dir).isDirectory())
    throw new Error(`the workloads' directory ${opts.dir} is not a directory`);
  if (user) {
    const blocked = unreachableBy(user, dirname(opts.dir));
    if (blocked.length > 0)
      throw new Error(
        `the workloads' directory ${opts.dir} is out of ${user.name}'s reach: give ${blocked.join(", ")} o+x, or set AIOS_WORKLOAD_DIR elsewhere`,
      );
    chownSync(opts.dir, user.uid, user.gid);
    chmodSync(opts.dir, 0o700);
  }
  const asUser = (command: string, args: string[]) => {
    const r = spawnSync(command, args, { uid: user?.uid, gid: user?.gid, encoding: "utf8" });
    if (r.status !== 0)
      throw new Error(`${command} ${args.join(" ")} as ${user?.name}: ${r.stderr || r.error?.message}`);
  };
  const pathOf = (relative: string) => {
    if (relative.split("/").some((s) => s === ".." || s === "")) throw new Error(`bad path ${relative}`);
    return join(opts.dir, relative);
  };
  const removeDir = (relative: string) => {
    const path = pathOf(relative);
    if (user) asUser("rm", ["-rf", "--", path]);
    else rmSync(path, { recursive: true, force: true });
  };
  return {
    user,
    dir: opts.dir,
    spawnOptions: () => (user ? { uid: user.uid, gid: user.gid } : {}),
    freshDir(relative) {
      const path = pathOf(relative);
      removeDir(relative);
      if (user) asUser("mkdir", ["-p", "-m", "0700", "--", path]);
      else mkdirSync(path, { recursive: true, mode: 0o700 });
      return path;
    },
    removeDir,
  };
}

/**
 * The directories on the way to `path` that `user` cannot pass through (no search permission):
 * the code a workload runs (the repository, node_modules) must be reachable by its user.
 */
export function unreachableBy(user: WorkloadUser, path: string): string[] {
  const blocked: string[] = [];
  for (let dir = path; ; dir = dirname(dir)) {
    try {
      const st = statSync(dir);
      const bit = st.uid === user.uid ? 0o100 : st.gid === user.gid ? 0o010 : 0o001;
      if (st.isDirectory() && !(st.mode & bit)) blocked.push(dir);
    } catch {
      // not there: nothing to check
    }
    if (dir === parse(dir).root) return blocked;
  }
}

/** The user workloads run as: `name` when the agent runs as root; null (the agent's own) otherwise. */
export function workloadUserOf(name: string): WorkloadUser | null {
  return process.getuid?.() === 0 ? resolveWorkloadUser(name) : null;
}
