import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** The temporary folders of peers: `<tmp>/aios-kube-peer-XXXXXX`. */
export const peerDirPrefix = "aios-kube-peer-";

/** Records who runs a peer, so that a later start can tell a peer whose runner was killed. */
export function recordOwner(dir: string): void {
  writeFileSync(join(dir, "owner.pid"), `${process.pid}\n`);
}

export function recordProcess(dir: string, pid: number | undefined): void {
  if (pid) writeFileSync(join(dir, "pids"), `${pid}\n`, { flag: "a" });
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
};

/**
 * Ends the processes of peers whose runner died without stopping them (a test runner killed with
 * SIGKILL runs no exit handler) and removes their folders. A process is ended only while its
 * command line still names the peer's folder, so a reused pid is never hit.
 */
export function reapOrphanedPeers(): string[] {
  const reaped: string[] = [];
  for (const name of readdirSync(tmpdir())) {
    if (!name.startsWith(peerDirPrefix)) continue;
    const dir = join(tmpdir(), name);
    const ownerFile = join(dir, "owner.pid");
    if (!existsSync(ownerFile)) continue;
    const owner = Number(readFileSync(ownerFile, "utf8").trim());
    if (!Number.isInteger(owner) || alive(owner)) continue;
    const pids = existsSync(join(dir, "pids"))
      ? readFileSync(join(dir, "pids"), "utf8").split("\n").filter(Boolean).map(Number)
      : [];
    for (const pid of pids) {
      let cmdline = "";
      try {
        cmdline = readFileSync(`/proc/${pid}/cmdline`, "utf8");
      } catch {
        continue; // already gone
      }
      if (cmdline.includes(dir)) process.kill(pid, "SIGKILL");
    }
    rmSync(dir, { recursive: true, force: true });
    reaped.push(dir);
  }
  return reaped;
}
