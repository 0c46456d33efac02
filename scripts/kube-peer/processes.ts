import { type ChildProcess, spawn } from "node:child_process";
import { closeSync, existsSync, openSync, readFileSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";

/** A server process of the peer, its output going to a log file of its own. */
export interface PeerProcess {
  name: string;
  child: ChildProcess;
  logPath: string;
  /** Resolves with the exit code (or signal) once the process has ended. */
  exited: Promise<string>;
}

const running = new Set<ChildProcess>();
// A test runner that dies must not leave etcd or an API server behind.
process.once("exit", () => {
  for (const child of running) child.kill("SIGKILL");
});

export function startProcess(
  name: string,
  command: string,
  args: string[],
  logDir: string,
  env: NodeJS.ProcessEnv = {},
): PeerProcess {
  const logPath = join(logDir, `${name}.log`);
  const log = openSync(logPath, "a");
  const child = spawn(command, args, { stdio: ["ignore", log, log], env: { ...process.env, ...env } });
  closeSync(log);
  running.add(child);
  const exited = new Promise<string>((done) => {
    child.once("error", (e) => {
      running.delete(child);
      done(`failed to start: ${e.message}`);
    });
    child.once("exit", (code, signal) => {
      running.delete(child);
      done(signal ? `signal ${signal}` : `code ${code}`);
    });
  });
  return { name, child, logPath, exited };
}

/** SIGTERM, then SIGKILL if it has not ended within `graceMs`. */
export async function stopProcess(p: PeerProcess, graceMs = 10_000): Promise<void> {
  if (p.child.exitCode !== null || p.child.signalCode !== null || !p.child.pid) return;
  p.child.kill("SIGTERM");
  const timer = setTimeout(() => p.child.kill("SIGKILL"), graceMs);
  await p.exited;
  clearTimeout(timer);
}

/** The last lines of a process's log, for an error message. */
export function logTail(p: PeerProcess, lines = 15): string {
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
 * Polls `check` until it is true. Fails early, with the end of its log, if `p` ends meanwhile, and
 * with the same at the deadline; a check that throws counts as not ready yet.
 */
export async function waitUntil(
  what: string,
  p: PeerProcess,
  check: () => Promise<boolean>,
  timeoutMs = 60_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let ended: string | undefined;
  void p.exited.then((how) => {
    ended = how;
  });
  let lastError = "";
  while (Date.now() < deadline) {
    if (ended)
      throw new Error(`${p.name} ended (${ended}) before ${what}; the end of ${p.logPath}:\n${logTail(p)}`);
    try {
      if (await check()) return;
    } catch (e) {
      lastError = e instanceof Error ? e.message : String(e);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(
    `${what}: not within ${timeoutMs / 1000} s${lastError ? ` (last error: ${lastError})` : ""}; the end of ${p.logPath}:\n${logTail(p)}`,
  );
}
