/**
 * The serving peers the `peers.*` scenarios measure AIOS against: Ray Serve and KServe's Python
 * model server, each in a virtual environment of its own built once from the exact PyPI versions of
 * testpeers/serving/<peer> into .cache/testpeers/serving/<peer> (git-ignored), by the same code as
 * the Python test peer (scripts/python-peer). Two venvs, so that one peer that cannot be installed
 * leaves the other measured (and their dependencies differ: Ray takes protobuf 7, KServe wants < 7).
 *
 *   node --import tsx bench/src/scenarios/peers-serving.ts build [ray|kserve]   build (a no-op when built)
 *   node --import tsx bench/src/scenarios/peers-serving.ts lock ray|kserve      after a bump of its requirements.txt
 */
import { type ChildProcessWithoutNullStreams, spawn } from "node:child_process";
import { join } from "node:path";
import {
  descendantsOf,
  describeProcess,
  isRunning,
  listProcesses,
  type ProcessInfo,
  stopProcesses,
  waitForExit,
} from "@aios/service-kit";
import {
  buildPythonPeer,
  lockPins,
  type PythonPeerSpec,
  pinnedVersions,
} from "../../../scripts/python-peer/index";
import { repoRoot } from "../../../scripts/python-peer/peer-build";

export type PeerName = "ray" | "kserve";

/** Where the peers' serving scripts are (the echo model, Ray's runner and chain, KServe's server). */
export const SERVING_DIR = join(repoRoot, "testpeers", "serving");
const CLI = "node --import tsx bench/src/scenarios/peers-serving.ts";

const spec = (name: PeerName, title: string): PythonPeerSpec => ({
  title,
  tag: `serving-peer ${name}`,
  pins: `testpeers/serving/${name}`,
  cacheRoot: join(repoRoot, ".cache", "testpeers", "serving", name),
  prompt: `aios-serving-${name}`,
  buildCommand: `${CLI} build ${name}`,
  lockCommand: `${CLI} lock ${name}`,
  readme: "testpeers/serving/README.md",
});

export const PEER_SPECS: Record<PeerName, PythonPeerSpec> = {
  ray: spec("ray", "the Ray Serve peer"),
  kserve: spec("kserve", "the KServe peer"),
};

/** A built peer: its venv's python and its pinned direct packages. */
export interface ServingPeer {
  name: PeerName;
  python: string;
  versions: Record<string, string>;
  /** How long this process spent building it (0: it was built already). */
  buildSeconds: number;
}

const builds = new Map<PeerName, Promise<ServingPeer>>();

/**
 * The peer's venv, built here on first use (about 40 s, from PyPI). Rejects with why it cannot be
 * had (no python3, no PyPI, a pin PyPI does not serve); a later call tries again.
 */
export function servingPeer(name: PeerName, log: (line: string) => void): Promise<ServingPeer> {
  const built = builds.get(name);
  // The build's time is told once, by the scenario that waited for it.
  if (built) return built.then((peer) => ({ ...peer, buildSeconds: 0 }));
  const build = buildPythonPeer(log, PEER_SPECS[name]).then(
    (b) => ({ name, python: b.python, versions: b.versions, buildSeconds: b.seconds }),
    (e: unknown) => {
      builds.delete(name);
      throw e;
    },
  );
  builds.set(name, build);
  return build;
}

/** The versions a peer is pinned to, as `ray 2.60.0`-like text (for reasons and reports). */
export const pinsOf = (name: PeerName) =>
  Object.entries(pinnedVersions(PEER_SPECS[name]))
    .map(([pkg, version]) => `${pkg} ${version}`)
    .join(", ");

/** The environment of a peer's Python processes: nothing of the bench's but PATH, HOME and locale. */
function peerEnv(python: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return {
    PATH: `${join(python, "..")}:${process.env.PATH ?? ""}`,
    HOME: process.env.HOME ?? "/root",
    LANG: process.env.LANG ?? "C.UTF-8",
    // The scripts' folder is in the repository: no __pycache__ written there.
    PYTHONDONTWRITEBYTECODE: "1",
    PYTHONUNBUFFERED: "1",
    ...extra,
  };
}

/** A peer's server process: what it printed when ready, and how to stop it and all it started. */
export interface PeerProcess {
  /** The JSON line it printed once it served. */
  ready: Record<string, unknown>;
  /** Seconds from spawn to that line. */
  startSeconds: number;
  /** Notes the processes it runs now (Ray's outlive their parents when one dies): stop() ends them too. */
  note(): void;
  /** Stops it (stdin closed, then SIGTERM, then SIGKILL) and what it started; answers what had to be killed. */
  stop(): Promise<string[]>;
}

/**
 * Starts one of the peers' scripts (testpeers/serving) with the peer's python, in a process group of
 * its own, and resolves once it prints its `{"ready": true, ...}` line; rejects with the end of its
 * stderr when it exits first or takes longer than `timeoutMs`, after stopping what it started.
 */
export async function startPeerProcess(
  peer: ServingPeer,
  script: string,
  args: string[],
  opts: { env?: Record<string, string>; timeoutMs?: number } = {},
): Promise<PeerProcess> {
  const began = performance.now();
  const child = spawn(peer.python, [join(SERVING_DIR, script), ...args], {
    cwd: SERVING_DIR,
    env: peerEnv(peer.python, opts.env),
    stdio: ["pipe", "pipe", "pipe"],
    detached: true,
  });
  const stderr: string[] = [];
  child.stderr.on("data", (b: Buffer) => {
    stderr.push(...b.toString().trimEnd().split("\n"));
    if (stderr.length > 40) stderr.splice(0, stderr.length - 40);
  });
  child.stdin.on("error", () => undefined); // closed by a peer that exited
  const seen = new Map<number, ProcessInfo>();
  const note = () => {
    if (child.pid === undefined) return;
    for (const p of descendantsOf(child.pid)) seen.set(p.pid, p);
    if (isRunning(child.pid))
      seen.set(child.pid, { pid: child.pid, ppid: process.pid, pgid: child.pid, argv: [] });
  };
  const exited = new Promise<void>((r) => child.once("exit", () => r()));
  let stopping: Promise<string[]> | undefined;
  const stop = () => {
    stopping ??= (async () => {
      note();
      child.stdin.end();
      const gone = (ms: number) => Promise.race([exited, new Promise((r) => setTimeout(r, ms))]);
      await gone(30_000);
      if (child.exitCode === null && child.signalCode === null) {
        signalGroup(child.pid, "SIGTERM");
        await gone(10_000);
      }
      // Ray's workers exit after the raylet; what still runs then (noted, or still in the script's
      // process group) is killed by its id and named.
      await waitForExit([...seen.keys()], 10_000);
      const left = new Map<number, ProcessInfo>();
      for (const p of seen.values()) if (isRunning(p.pid)) left.set(p.pid, p);
      for (const p of listProcesses()) if (p.pgid === child.pid) left.set(p.pid, p);
      if (left.size > 0) await stopProcesses([...left.values()], 1_000);
      return [...left.values()].map(describeProcess);
    })();
    return stopping;
  };
  try {
    const ready = await readyLine(child, opts.timeoutMs ?? 180_000, () => note());
    note();
    return { ready, startSeconds: Math.round((performance.now() - began) / 100) / 10, note, stop };
  } catch (e) {
    await stop();
    throw new Error(`${(e as Error).message}; its stderr ended with:\n${stderr.slice(-15).join("\n")}`);
  }
}

function readyLine(
  child: ChildProcessWithoutNullStreams,
  timeoutMs: number,
  tick: () => void,
): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    let out = "";
    let settled = false;
    const ticker = setInterval(tick, 500);
    const timer = setTimeout(() => done(new Error(`not ready within ${timeoutMs / 1000} s`)), timeoutMs);
    const done = (err: Error | null, ready?: Record<string, unknown>) => {
      if (settled) return;
      settled = true;
      clearInterval(ticker);
      clearTimeout(timer);
      child.stdout.removeAllListeners("data");
      child.stdout.resume(); // what it prints later is not read
      if (err) reject(err);
      else resolve(ready as Record<string, unknown>);
    };
    child.stdout.on("data", (b: Buffer) => {
      out += b.toString();
      const lines = out.split("\n");
      out = lines.pop() ?? "";
      for (const line of lines) {
        if (!line.startsWith("{")) continue;
        const parsed = JSON.parse(line) as Record<string, unknown>;
        if (parsed.ready === true) return done(null, parsed);
      }
    });
    child.once("exit", (code, signal) => done(new Error(`exited (${signal ?? code}) before it was ready`)));
    child.once("error", (e) => done(e));
  });
}

function signalGroup(pid: number | undefined, sig: NodeJS.Signals): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, sig);
  } catch {
    // the group is gone
  }
}

async function main(args: string[]): Promise<void> {
  const [command = "build", only] = args;
  const names: PeerName[] =
    only === undefined ? ["ray", "kserve"] : only === "ray" || only === "kserve" ? [only] : [];
  if (names.length === 0) throw new Error(`unknown peer ${only}: ray or kserve`);
  for (const name of names) {
    if (command === "build") await buildPythonPeer(console.log, PEER_SPECS[name]);
    else if (command === "lock" && only !== undefined) await lockPins(console.log, PEER_SPECS[name]);
    else throw new Error(`unknown command ${command}: build [ray|kserve] or lock ray|kserve`);
  }
}

if (process.argv[1] && import.meta.filename === process.argv[1]) {
  await main(process.argv.slice(2)).catch((e: unknown) => {
    console.error(`serving-peer: ${e instanceof Error ? e.message : String(e)}`);
    process.exit(1);
  });
}
