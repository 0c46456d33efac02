import { readdirSync, readFileSync } from "node:fs";

/**
 * Every live process of one run of the product: those whose command line or environment names the
 * run's home (the launcher's children, PostgreSQL and Redis by their data directories, workloads by
 * the agent's alive file in their environment). Zombies are not counted; the caller itself is not.
 */
export function processesOf(home: string): Array<{ pid: number; cmd: string }> {
  const found: Array<{ pid: number; cmd: string }> = [];
  for (const name of readdirSync("/proc")) {
    const pid = Number(name);
    if (!Number.isInteger(pid) || pid === process.pid) continue;
    try {
      if (/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, "utf8"))) continue;
      const cmd = readFileSync(`/proc/${pid}/cmdline`, "utf8").replaceAll("\0", " ").trim();
      const environ = readFileSync(`/proc/${pid}/environ`, "utf8");
      if (cmd.includes(home) || environ.includes(home)) found.push({ pid, cmd });
    } catch {
      // gone meanwhile, or a kernel thread
    }
  }
  return found;
}

/** Polls until the run has no process left; the ones left at the deadline otherwise. */
export async function waitForNoProcesses(home: string, timeoutMs: number): Promise<string[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const left = processesOf(home);
    if (left.length === 0 || Date.now() > deadline) return left.map((p) => `${p.pid} ${p.cmd.slice(0, 160)}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** Kills whatever a failed test left of a run, so it cannot disturb the next ones. */
export function killAll(home: string): void {
  for (const { pid } of processesOf(home)) {
    try {
      process.kill(pid, "SIGKILL");
    } catch {
      // gone
    }
  }
}
