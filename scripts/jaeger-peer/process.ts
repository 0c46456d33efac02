import { type ChildProcess, spawn } from "node:child_process";
import { closeSync, existsSync, openSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { alive } from "./peer-build";

/** The temporary folders of running peers: `<tmp>/aios-jaeger-peer-XXXXXX` (config, log, pids). */
export const runDirPrefix = "aios-jaeger-peer-";

/** A running `jaeger`, the leader of a process group of its own, its output going to a log file. */
export interface PeerProcess {
  child: ChildProcess;
  pid: number;
  logPath: string;
  /** Resolves with how the process ended ("code 0", "signal SIGTERM", "failed to start: …"). */
  exited: Promise<string>;
}

const running = new Set<number>();
// A test runner that exits must not leave Jaeger behind (one killed with SIGKILL runs no handler:
// reapOrphanedPeers, at the next start, ends those).
process.once("exit", () => {
  for (const pid of running) killGroup(pid, "SIGKILL");
});

export function startProcess(command: string, args: string[], runDir: string): PeerProcess {
  const logPath = join(runDir, "jaeger.log");
  const log = openSync(logPath, "a");
  // detached: a process group of its own, so that a stop ends whatever it might start.
  const child = spawn(command, args, { stdio: ["ignore", log, log], detached: true });
  closeSync(log);
  const exited = new Promise<string>((done) => {
    child.once("error", (e) => {
      if (child.pid) running.delete(child.pid);
      done(`failed to start: ${e.message}`);
    });
    child.once("exit", (code, signal) => {
      if (child.pid) running.delete(child.pid);
      done(signal ? `signal ${signal}` : `code ${code}`);
    });
  });
  if (child.pid) {
    running.add(child.pid);
    writeFileSync(join(runDir, "owner.pid"), `${process.pid}\n`);
    writeFileSync(join(runDir, "jaeger.pid"), `${child.pid}\n`);
  }
  // The runner's event loop does not wait for Jaeger.
  child.unref();
  return { child, pid: child.pid ?? 0, logPath, exited };
}

/** SIGTERM to the process group, then SIGKILL if it has not ended within `graceMs`. */
export async function stopProcess(p: PeerProcess, graceMs = 10_000): Promise<void> {
  if (p.child.exitCode !== null || p.child.signalCode !== null || !p.pid) return;
  killGroup(p.pid, "SIGTERM");
  const timer = setTimeout(() => killGroup(p.pid, "SIGKILL"), graceMs);
  await p.exited;
  clearTimeout(timer);
  // Whatever of the group outlived its leader.
  killGroup(p.pid, "SIGKILL");
}

function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // already gone
  }
}

/** The last lines of the log, for an error message. */
export function logTail(p: PeerProcess, lines = 20): string {
  if (!existsSync(p.logPath)) return "(no log)";
  return readFileSync(p.logPath, "utf8").trimEnd().split("\n").slice(-lines).join("\n");
}

/** A TCP port on 127.0.0.1 that nothing listens on right now. */
export function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.once("error", fail);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() =>
        typeof address === "object" && address ? done(address.port) : fail(new Error("no port")),
      );
    });
  });
}

/**
 * Ends the Jaeger of each peer whose runner died without stopping it and removes its folder. The
 * process is ended only while its command line still names the folder (its --config is there), so
 * a reused pid is never hit.
 */
export function reapOrphanedPeers(): string[] {
  const reaped: string[] = [];
  for (const name of readdirSync(tmpdir())) {
    if (!name.startsWith(runDirPrefix)) continue;
    const dir = join(tmpdir(), name);
    const owner = readPid(join(dir, "owner.pid"));
    if (owner === undefined || alive(owner)) continue;
    const pid = readPid(join(dir, "jaeger.pid"));
    if (pid !== undefined) {
      let cmdline = "";
      try {
        cmdline = readFileSync(`/proc/${pid}/cmdline`, "utf8");
      } catch {
        // already gone
      }
      if (cmdline.includes(dir)) killGroup(pid, "SIGKILL");
    }
    rmSync(dir, { recursive: true, force: true });
    reaped.push(dir);
  }
  return reaped;
}

function readPid(file: string): number | undefined {
  if (!existsSync(file)) return undefined;
  const pid = Number(readFileSync(file, "utf8").trim());
  return Number.isInteger(pid) && pid > 0 ? pid : undefined;
}
