import { execFile } from "node:child_process";
import { resolve } from "node:path";

export const REPO_ROOT = resolve(import.meta.dirname, "../../..");
export const GRID_MAIN = resolve(REPO_ROOT, "apps/grid/src/main.ts");

export interface GridRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `npm run grid -- ARGS` (its entry point) with the grid's environment; never throws. */
export function runGrid(args: string[], env: Record<string, string>, timeoutMs = 300_000): Promise<GridRun> {
  return new Promise((done) => {
    execFile(
      process.execPath,
      ["--import", "tsx", GRID_MAIN, ...args],
      { cwd: REPO_ROOT, env: { ...process.env, ...env }, timeout: timeoutMs, maxBuffer: 16 * 1024 * 1024 },
      (err, stdout, stderr) => {
        const code = err ? (typeof err.code === "number" ? err.code : 1) : 0;
        done({ code, stdout, stderr });
      },
    );
  });
}

/** The grid's own one-line reason for a failure (its last `grid:` line), for a test's error. */
export function reasonOf(run: GridRun): string {
  const lines = run.stderr.trim().split("\n");
  const last = lines.findLastIndex((l) => l.startsWith("grid:"));
  return last >= 0 ? lines.slice(last).join(" ") : run.stderr.trim() || `exit ${run.code}`;
}

/** Runs the grid command and fails with its reason unless it succeeded. */
export async function grid(args: string[], env: Record<string, string>): Promise<GridRun> {
  const run = await runGrid(args, env);
  if (run.code !== 0) throw new Error(`npm run grid -- ${args.join(" ")} failed: ${reasonOf(run)}`);
  return run;
}
