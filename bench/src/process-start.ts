import { type ChildProcess, execFile, spawn } from "node:child_process";
import { createConnection } from "node:net";
import { resolve } from "node:path";
import { promisify } from "node:util";
import { type Figures, figuresOf } from "./measure";

export const ROOT = resolve(import.meta.dirname, "../..");
const run = promisify(execFile);

/** Runs `node <args>` to its end; throws with its stderr unless it exits 0. */
export async function runNode(args: string[], env: Record<string, string> = {}): Promise<string> {
  const { stdout } = await run(process.execPath, args, { cwd: ROOT, env: { ...process.env, ...env } }).catch(
    (err: { code?: number; stderr?: string }) => {
      throw new Error(`node ${args.join(" ")} exited ${err.code}: ${err.stderr ?? ""}`);
    },
  );
  return stdout;
}

/**
 * Starts `node <args>` and resolves once something accepts connections on `port` (polled every
 * 2 ms: the figures are a few hundred ms), then kills the process and waits for its exit.
 */
export async function startUntilListening(args: string[], env: Record<string, string>, port: number) {
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? "", ...env },
    stdio: ["ignore", "ignore", "pipe"],
  });
  let stderr = "";
  child.stderr?.on("data", (d: Buffer) => (stderr += d));
  try {
    const deadline = Date.now() + 30_000;
    while (!(await accepts(port))) {
      if (child.exitCode !== null)
        throw new Error(`node ${args.join(" ")} exited ${child.exitCode}: ${stderr}`);
      if (Date.now() > deadline) throw new Error(`node ${args.join(" ")} did not listen on ${port} in 30 s`);
      await new Promise((r) => setTimeout(r, 2));
    }
  } finally {
    await stop(child);
  }
}

function accepts(port: number): Promise<boolean> {
  return new Promise((done) => {
    const socket = createConnection({ host: "127.0.0.1", port });
    socket.once("connect", () => {
      socket.destroy();
      done(true);
    });
    socket.once("error", () => done(false));
  });
}

function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((done) => {
    child.once("exit", () => done());
    child.kill("SIGKILL");
  });
}

/**
 * Latency samples of `measured` and `baseline` taken in turns, after a warm-up of each: a noisy
 * moment of a shared machine then lands on both sides of the ratio, not on one.
 */
export async function measureInTurns(
  measured: () => Promise<unknown>,
  baseline: () => Promise<unknown>,
  opts: { n: number; warmup: number },
): Promise<{ measured: Figures; baseline: Figures }> {
  for (let i = 0; i < opts.warmup; i++) {
    await measured();
    await baseline();
  }
  const samples = { measured: new Float64Array(opts.n), baseline: new Float64Array(opts.n) };
  const elapsed = { measured: 0, baseline: 0 };
  for (let i = 0; i < opts.n; i++) {
    for (const [side, fn] of [
      ["measured", measured],
      ["baseline", baseline],
    ] as const) {
      const s = performance.now();
      await fn();
      samples[side][i] = performance.now() - s;
      elapsed[side] += samples[side][i] ?? 0;
    }
  }
  return {
    measured: figuresOf(samples.measured, elapsed.measured),
    baseline: figuresOf(samples.baseline, elapsed.baseline),
  };
}
