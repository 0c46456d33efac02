/** A Python virtual environment with real Open Inference Protocol clients and an API fuzzer, for tests (testpeers/python/README.md). */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { buildPythonPeer, builtPythonPeer, type PythonPeerBuild } from "./peer-build";
import { type ProcessResult, runProcess } from "./process";

export {
  buildCommand,
  buildPythonPeer,
  builtPythonPeer,
  lockPins,
  type PythonPeerSpec,
  pinnedVersions,
  testPeerSpec,
} from "./peer-build";
export type { ProcessResult } from "./process";

export interface PythonPeer extends PythonPeerBuild {
  /** The path of a program the venv installed (`schemathesis`, `st`, `pip`); throws if there is none. */
  bin: (name: string) => string;
}

let peer: Promise<PythonPeer> | undefined;

/**
 * The built peer. On a machine where it is not built yet (a fresh checkout) it is built here, so a
 * test needs no step before it; that takes about half a minute and needs PyPI.
 */
export function pythonPeer(): Promise<PythonPeer> {
  peer ??= find().catch((e: unknown) => {
    peer = undefined; // the next test tries again, after the cause has perhaps been fixed
    throw e;
  });
  return peer;
}

async function find(): Promise<PythonPeer> {
  const build = await builtPythonPeer().catch(() =>
    buildPythonPeer((line) => console.log(line)).catch((e: unknown) => {
      throw new Error(
        `The Python test peer could not be built: ${e instanceof Error ? e.message : String(e)}`,
      );
    }),
  );
  const bin = (name: string) => {
    const path = join(build.dir, "bin", name);
    if (!existsSync(path))
      throw new Error(
        `The Python test peer has no program ${name} (no ${path}); see testpeers/python/README.md`,
      );
    return path;
  };
  return { dir: build.dir, python: build.python, versions: build.versions, bin };
}

export interface RunPythonOptions {
  /** Added to this process's environment. */
  env?: Record<string, string | undefined>;
  /** Past this the script, and whatever it started, is killed and the promise rejected; 60 s by default. */
  timeoutMs?: number;
  cwd?: string;
}

/**
 * Runs a Python script file with the peer's interpreter, no shell between, and returns how it ended.
 * The venv's bin folder leads PATH, so a script may start `schemathesis` by name.
 */
export async function runPython(
  script: string,
  args: string[] = [],
  opts: RunPythonOptions = {},
): Promise<ProcessResult> {
  const { dir, python } = await pythonPeer();
  return runProcess(python, [script, ...args], {
    cwd: opts.cwd,
    timeoutMs: opts.timeoutMs ?? 60_000,
    env: {
      ...process.env,
      VIRTUAL_ENV: dir,
      PATH: `${join(dir, "bin")}:${process.env.PATH ?? ""}`,
      // Output in the order it was printed even when the script is killed mid-way.
      PYTHONUNBUFFERED: "1",
      ...opts.env,
    },
  });
}
