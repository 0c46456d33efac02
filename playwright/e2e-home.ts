import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, resolve } from "node:path";

/** The launcher's AIOS_HOME for e2e runs (embedded Postgres data, agent state). */
export const E2E_HOME = resolve(import.meta.dirname, "../.test-output/e2e-home");

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
};

/**
 * Wipes an e2e run's data directory for a new run, after taking `<dir>.lock` for this process
 * (removed when it exits). Two runs on one directory would delete each other's database under a
 * running PostgreSQL, so a second run is refused, naming the first one's pid; a lock whose process
 * is gone is taken over.
 */
export function claimE2eHome(dir: string): void {
  const lock = `${dir}.lock`;
  const holder = existsSync(lock) ? Number(readFileSync(lock, "utf8").trim()) : null;
  if (holder && holder !== process.pid && alive(holder))
    throw new Error(
      `another Playwright run (pid ${holder}) is using ${dir}: wait for it to finish or stop it (its lock: ${lock})`,
    );
  mkdirSync(dirname(lock), { recursive: true });
  writeFileSync(lock, String(process.pid));
  process.once("exit", () => {
    try {
      if (readFileSync(lock, "utf8").trim() === String(process.pid)) rmSync(lock);
    } catch {
      // gone already
    }
  });
  rmSync(dir, { recursive: true, force: true });
}

/** Every run starts from empty data; the launcher's seed then loads examples/specs. */
export function resetE2eHome(): void {
  claimE2eHome(E2E_HOME);
}
