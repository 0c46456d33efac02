import { execFileSync, spawnSync } from "node:child_process";
import {
  chmodSync,
  chownSync,
  existsSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  rmdirSync,
  rmSync,
  statSync,
} from "node:fs";
import { dirname, join, parse } from "node:path";
import { allocateUid, type UidRange, uidsInUse } from "./workload-uids";

/** The OS user whose uid and gid user workloads run with. */
export interface WorkloadUser {
  name: string;
  uid: number;
  gid: number;
}

/**
 * What one workload runs as and where it writes: its user and its home (`<dir>/homes/<name>`,
 * 0700, with `tmp/` for its caches). `release` removes the home (as its owner) when it stopped.
 */
export interface WorkloadLease {
  /** null: the agent's own user. */
  readonly user: WorkloadUser | null;
  readonly home: string;
  /** `uid`/`gid` for `spawn` and `fork`; empty when it runs as the agent's user. */
  spawnOptions(): { uid?: number; gid?: number };
  /** HOME, TMPDIR inside it, and USER/LOGNAME when it has a user of its own (a uid without a passwd entry). */
  env(): { HOME: string } & Record<string, string>;
  release(): void;
}

/**
 * Who the agent's workloads run as, and where they may write. An agent running as root gives every
 * workload a uid of its own from `uids` (`AIOS_WORKLOAD_UIDS`; gid the same number), so no
 * workload can read another's environment (its control token) or home; with the range off, they
 * all run as one `user` (`AIOS_WORKLOAD_USER`). An agent running as anyone else starts them as itself.
 *
 * With a uid range, `dir` and its `homes/` and `systems/` belong to the agent and are 0711 (passed
 * through, not listed); each home and managed system's directory belongs to its uid, and the agent
 * removes what is in one only *as* its owner, so a symbolic link planted there cannot make root
 * write or remove anything elsewhere.
 */
export interface WorkloadIdentity {
  /** The one user of every workload (range off); null with a range or as the agent's own user. */
  readonly user: WorkloadUser | null;
  /** The uids workloads get one each of; null: they share `user`. */
  readonly uids: UidRange | null;
  /** The root of the workloads' writable directories (outside AIOS_HOME, which is 0700). */
  readonly dir: string;
  /**
   * A user and a new empty home at `<dir>/<relative>` for one workload: the uid `uid` (a managed
   * system's), or one no live workload has (none in `taken`, the caller's records, none owning a
   * home, system directory or process).
   */
  claim(relative: string, opts?: { taken?: Iterable<number>; uid?: number }): WorkloadLease;
  /** The lease of a running workload whose record says it runs as `uid`, home kept. */
  adopt(relative: string, uid: number | undefined): WorkloadLease;
  /**
   * The uid that owns `path`, a managed system's directory directly in `<dir>/systems`: null when
   * there is none yet (or `path` is elsewhere, or workloads share a user).
   */
  systemOwner(path: string): number | null;
  /** Makes `path` (see systemOwner) the lease's user's, 0700; false when it is not one of ours. */
  ownSystemDir(path: string, lease: WorkloadLease): boolean;
  /** Removes a managed system's directory once its uninstall emptied it (root may rmdir an empty one). */
  dropEmptySystemDir(path: string): void;
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

/** The user of uid `uid` of a workload range: no passwd entry, a name for USER and LOGNAME. */
const rangeUser = (uid: number): WorkloadUser => ({ name: `aios-${uid}`, uid, gid: uid });

const runAs = (user: WorkloadUser, command: string, args: string[]) => {
  const r = spawnSync(command, args, { uid: user.uid, gid: user.gid, encoding: "utf8" });
  if (r.status !== 0)
    throw new Error(`${command} ${args.join(" ")} as ${user.name}: ${r.stderr || r.error?.message}`);
};

/**
 * The identity of the workloads: a uid each from `uids`, else `user` for all, else the agent's own
 * user. Makes `dir` (its parent is the agent's, so it is made here, as the agent).
 */
export function createWorkloadIdentity(opts: {
  dir: string;
  user: WorkloadUser | null;
  uids?: UidRange | null;
}): WorkloadIdentity {
  const uids = opts.uids ?? null;
  const user = uids ? null : opts.user;
  if (user?.uid === 0) throw new Error("AIOS_WORKLOAD_USER must not be root (uid 0)");
  mkdirSync(opts.dir, { recursive: true });
  if (!lstatSync(opts.dir).isDirectory())
    throw new Error(`the workloads' directory ${opts.dir} is not a directory`);
  const reacher = uids ? rangeUser(uids.first) : user;
  if (reacher) {
    const blocked = unreachableBy(reacher, dirname(opts.dir));
    if (blocked.length > 0)
      throw new Error(
        `the workloads' directory ${opts.dir} is out of ${user ? `${user.name}'s` : "the workloads' uids'"} reach: give ${blocked.join(", ")} o+x, or set AIOS_WORKLOAD_DIR elsewhere`,
      );
  }
  const pathOf = (relative: string) => {
    if (relative.split("/").some((s) => s === ".." || s === "")) throw new Error(`bad path ${relative}`);
    return join(opts.dir, relative);
  };
  if (uids) return rangeIdentity(opts.dir, uids, pathOf);
  if (user) {
    chownSync(opts.dir, user.uid, user.gid);
    chmodSync(opts.dir, 0o700);
  }
  const removeDir = (path: string) => {
    if (user) runAs(user, "rm", ["-rf", "--", path]);
    else rmSync(path, { recursive: true, force: true });
  };
  const leaseOf = (path: string): WorkloadLease => ({
    user,
    home: path,
    spawnOptions: () => (user ? { uid: user.uid, gid: user.gid } : {}),
    env: () => ({ HOME: path, TMPDIR: join(path, "tmp") }),
    release: () => removeDir(path),
  });
  return {
    user,
    uids: null,
    dir: opts.dir,
    claim(relative) {
      const path = pathOf(relative);
      removeDir(path);
      if (user) runAs(user, "mkdir", ["-p", "-m", "0700", "--", join(path, "tmp")]);
      else mkdirSync(join(path, "tmp"), { recursive: true, mode: 0o700 });
      return leaseOf(path);
    },
    adopt: (relative) => leaseOf(pathOf(relative)),
    systemOwner: () => null,
    ownSystemDir: () => false,
    dropEmptySystemDir: (path) => dropEmptyDir(join(opts.dir, "systems"), path),
  };
}

/** Workloads with a uid each from `uids`; see WorkloadIdentity. */
function rangeIdentity(dir: string, uids: UidRange, pathOf: (relative: string) => string): WorkloadIdentity {
  const homes = join(dir, "homes");
  const systems = join(dir, "systems");
  for (const d of [dir, homes, systems]) {
    mkdirSync(d, { recursive: true });
    if (!lstatSync(d).isDirectory()) throw new Error(`${d} is not a directory`);
    chownSync(d, 0, 0); // an older agent's (AIOS_WORKLOAD_USER's) becomes the agent's again
    chmodSync(d, 0o711);
  }
  /** uids handed out by this agent and not released yet. */
  const leased = new Set<number>();
  const ownerOf = (path: string) => {
    try {
      return lstatSync(path).uid;
    } catch {
      return null;
    }
  };
  /** Empties `path` as its owner, then removes it as root (it is in a directory of root's). */
  const remove = (path: string) => {
    const st = (() => {
      try {
        return lstatSync(path);
      } catch {
        return null;
      }
    })();
    if (!st) return;
    if (!st.isDirectory() || st.uid === 0) {
      rmSync(path, { recursive: true, force: true }); // only the agent makes entries here
      return;
    }
    runAs(rangeUser(st.uid), "find", [path, "-mindepth", "1", "-delete"]);
    rmdirSync(path);
  };
  const inSystems = (path: string) => dirname(path) === systems && parse(path).base !== "";
  const leaseOf = (path: string, uid: number): WorkloadLease => {
    leased.add(uid);
    const u = rangeUser(uid);
    let released = false;
    return {
      user: u,
      home: path,
      spawnOptions: () => ({ uid, gid: uid }),
      env: () => ({ HOME: path, TMPDIR: join(path, "tmp"), USER: u.name, LOGNAME: u.name }),
      release() {
        if (released) return;
        released = true;
        remove(path);
        leased.delete(uid);
      },
    };
  };
  return {
    user: null,
    uids,
    dir,
    claim(relative, opts = {}) {
      const path = pathOf(relative);
      remove(path);
      const uid =
        opts.uid ??
        allocateUid(uids, uidsInUse(uids, [leased, opts.taken ?? [], ownersIn(homes), ownersIn(systems)]));
      if (uid === 0) throw new Error(`${relative}: a workload must not run as root`);
      mkdirSync(path, { mode: 0o700 });
      mkdirSync(join(path, "tmp"), { mode: 0o700 });
      chownSync(join(path, "tmp"), uid, uid);
      chownSync(path, uid, uid);
      return leaseOf(path, uid);
    },
    adopt(relative, uid) {
      const path = pathOf(relative);
      return leaseOf(path, uid ?? ownerOf(path) ?? uids.first);
    },
    systemOwner(path) {
      if (!inSystems(path)) return null;
      const uid = ownerOf(path);
      return uid !== null && uid >= uids.first && uid <= uids.last ? uid : null;
    },
    ownSystemDir(path, lease) {
      if (!inSystems(path) || !lease.user) return false;
      if (!existsSync(path)) mkdirSync(path, { mode: 0o700 });
      const st = lstatSync(path);
      if (!st.isDirectory()) throw new Error(`${path} is not a directory`);
      if (st.uid !== lease.user.uid) chownSync(path, lease.user.uid, lease.user.gid);
      chmodSync(path, 0o700);
      return true;
    },
    dropEmptySystemDir: (path) => dropEmptyDir(systems, path),
  };
}

/** Removes `path`, directly in `parent`, when it is an empty directory (rmdir follows no link). */
function dropEmptyDir(parent: string, path: string): void {
  if (dirname(path) !== parent) return;
  try {
    if (readdirSync(path).length === 0) rmdirSync(path);
  } catch {
    // not there, or something was put back in it: it stays
  }
}

/** The owners of the entries of `dir` (homes, system directories): their uids are taken. */
function ownersIn(dir: string): number[] {
  try {
    return readdirSync(dir).flatMap((name) => {
      try {
        return [lstatSync(join(dir, name)).uid];
      } catch {
        return [];
      }
    });
  } catch {
    return [];
  }
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
