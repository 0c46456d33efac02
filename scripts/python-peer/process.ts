import { spawn } from "node:child_process";

export interface ProcessResult {
  /** The exit code, or null when a signal ended the process. */
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface ProcessOptions {
  cwd?: string;
  /** The whole environment of the process (not merged with this one's). */
  env?: NodeJS.ProcessEnv;
  /** Past this the process and everything it started are killed and the promise is rejected. */
  timeoutMs?: number;
}

/**
 * Runs a program to its end, without a shell, collecting its output. It runs in a process group of
 * its own, so that a timeout also ends what it started (a Python script that runs `schemathesis`).
 */
export function runProcess(
  command: string,
  args: string[],
  opts: ProcessOptions = {},
): Promise<ProcessResult> {
  const shown = [command, ...args].join(" ");
  return new Promise((done, fail) => {
    const child = spawn(command, args, {
      cwd: opts.cwd,
      env: opts.env ?? process.env,
      stdio: ["ignore", "pipe", "pipe"],
      detached: true,
    });
    let stdout = "";
    let stderr = "";
    let timedOut = false;
    child.stdout.on("data", (b: Buffer) => {
      stdout += b.toString();
    });
    child.stderr.on("data", (b: Buffer) => {
      stderr += b.toString();
    });
    const timer =
      opts.timeoutMs === undefined
        ? undefined
        : setTimeout(() => {
            timedOut = true;
            killGroup(child.pid);
          }, opts.timeoutMs);
    child.on("error", (e: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      fail(e.code === "ENOENT" ? new Error(`\`${shown}\`: ${command} is not installed or not found`) : e);
    });
    child.on("close", (code) => {
      clearTimeout(timer);
      if (timedOut)
        fail(
          new Error(
            `\`${shown}\` did not finish within ${opts.timeoutMs} ms and was killed; its stderr ended with:\n${tail(stderr)}`,
          ),
        );
      else done({ code, stdout, stderr });
    });
  });
}

/** Kills a process group led by pid, if it still exists. */
function killGroup(pid: number | undefined): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, "SIGKILL");
  } catch {
    // already gone
  }
}

/** The last lines of a program's output, for an error message. */
export function tail(text: string, lines = 30): string {
  return text.trimEnd().split("\n").slice(-lines).join("\n");
}
