import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { type ProcessResult, runProcess, tail } from "./process";
import { retargetVenv } from "./relocate";

/**
 * Builds a Python peer: a virtual environment holding the pinned packages of a folder of pins
 * (requirements.txt, constraints.txt), once, into a git-ignored cache folder whose name holds a hash
 * of everything that decides its contents (requirements.txt, constraints.txt, the Python version, the
 * recipe below). A second build with the same inputs finds the folder's stamp and does nothing.
 * Without a `PythonPeerSpec`, every function here is about the Python test peer of testpeers/python
 * (Triton's Open Inference Protocol client, schemathesis); the bench's serving peers
 * (testpeers/serving: Ray Serve, KServe) are other specs built the same way.
 */

export const repoRoot = resolve(import.meta.dirname, "..", "..");

/** What tells one Python peer from another: where its pins are, where it is built, how it is named. */
export interface PythonPeerSpec {
  /** Who it is in messages ("the Python test peer"). */
  title: string;
  /** The prefix of its log lines ("python-peer"). */
  tag: string;
  /** The folder of its requirements.txt and constraints.txt, from the repository's root ("testpeers/python"). */
  pins: string;
  /** The folder its builds go to (each in a folder of its own, older ones removed); git-ignored. */
  cacheRoot: string;
  /** The venv's prompt (what activate shows). */
  prompt: string;
  /** The command that builds it, and the one that regenerates constraints.txt, for messages. */
  buildCommand: string;
  lockCommand: string;
  /** The page that tells how to build and bump it. */
  readme: string;
}

export const testPeerSpec: PythonPeerSpec = {
  title: "the Python test peer",
  tag: "python-peer",
  pins: "testpeers/python",
  cacheRoot: join(repoRoot, ".cache", "testpeers", "python"),
  prompt: "aios-python-peer",
  buildCommand: "node --import tsx scripts/python-peer.ts build",
  lockCommand: "node --import tsx scripts/python-peer.ts lock",
  readme: "testpeers/python/README.md",
};

export const cacheRoot = testPeerSpec.cacheRoot;
export const buildCommand = testPeerSpec.buildCommand;
const requirementsFile = (spec: PythonPeerSpec) => join(repoRoot, spec.pins, "requirements.txt");
const constraintsFile = (spec: PythonPeerSpec) => join(repoRoot, spec.pins, "constraints.txt");
/** Written last into a build; a folder without it is not a build. */
const stampName = "stamp.json";
/** The interpreter the venv is made from (the venv links to it, so it must stay installed). */
const basePython = "python3";

/** Bumped when the way of building changes, so that the cache folder changes with it. */
const recipe = (spec: PythonPeerSpec) =>
  `1: python3 -m venv --prompt ${spec.prompt}; pip install --only-binary :all: -r requirements -c constraints; freeze checked`;

/** Wheels only: nothing is compiled, so a build takes seconds and needs no compiler or headers. */
const pipInstall = [
  "-m",
  "pip",
  "install",
  "--no-input",
  "--disable-pip-version-check",
  "--only-binary",
  ":all:",
];

/** The direct packages and their versions, as pinned in requirements.txt. */
export function pinnedVersions(spec: PythonPeerSpec = testPeerSpec): Record<string, string> {
  const versions: Record<string, string> = {};
  for (const [i, line] of readFileSync(requirementsFile(spec), "utf8").split("\n").entries()) {
    const requirement = line.replace(/#.*/, "").trim();
    if (requirement === "") continue;
    const pin = /^([A-Za-z0-9][A-Za-z0-9._-]*)(\[[^\]]*\])?==([^\s;]+)$/.exec(requirement);
    if (!pin)
      throw new Error(
        `${spec.pins}/requirements.txt line ${i + 1}: "${requirement}" is not pinned to one version (name==version)`,
      );
    versions[pin[1]!] = pin[3]!;
  }
  return versions;
}

export interface PythonPeerBuild {
  /** The venv's folder. */
  dir: string;
  /** The venv's interpreter. */
  python: string;
  versions: Record<string, string>;
}

function layout(dir: string, versions: Record<string, string>): PythonPeerBuild {
  return { dir, python: join(dir, "bin", "python"), versions };
}

/** Where the build for the current inputs lives (whether or not it has been made yet). */
export async function peerBuildDir(spec: PythonPeerSpec = testPeerSpec): Promise<{
  dir: string;
  versions: Record<string, string>;
  pythonVersion: string;
}> {
  const versions = pinnedVersions(spec);
  const pythonVersion = await baseVersion(spec);
  const hash = createHash("sha256")
    .update(recipe(spec))
    .update(pythonVersion)
    .update(readFileSync(requirementsFile(spec)))
    .update(readFileSync(constraintsFile(spec)));
  const short = pythonVersion.replace(/^Python /, "py");
  return {
    dir: join(spec.cacheRoot, `${short}-${hash.digest("hex").slice(0, 12)}`),
    versions,
    pythonVersion,
  };
}

/** The built peer, or an error that says how to build it. */
export async function builtPythonPeer(spec: PythonPeerSpec = testPeerSpec): Promise<PythonPeerBuild> {
  const { dir, versions } = await peerBuildDir(spec);
  if (!existsSync(join(dir, stampName)))
    throw new Error(
      `${capitalised(spec.title)} is not built (no ${join(dir, stampName)}): run \`${spec.buildCommand}\` (see ${spec.readme})`,
    );
  return layout(dir, versions);
}

/** Builds the peer unless the cache already holds this build. Returns whether it built, and how long it took. */
export async function buildPythonPeer(
  log: (line: string) => void = console.log,
  spec: PythonPeerSpec = testPeerSpec,
): Promise<PythonPeerBuild & { built: boolean; seconds: number }> {
  const { dir, versions, pythonVersion } = await peerBuildDir(spec);
  const { cacheRoot, tag } = spec;
  if (existsSync(join(dir, stampName))) {
    log(`${tag}: ${dir} is up to date`);
    return { ...layout(dir, versions), built: false, seconds: 0 };
  }
  mkdirSync(cacheRoot, { recursive: true });
  removeAbandonedBuilds(cacheRoot);
  // Built in a folder of its own and renamed at the end, so that a half-made build is never taken.
  const work = `${dir}.building-${process.pid}`;
  rmSync(work, { recursive: true, force: true });
  const started = Date.now();
  try {
    log(`${tag}: making a venv with ${pythonVersion} ...`);
    await makeVenv(work, spec);
    const pins = Object.entries(versions)
      .map(([name, version]) => `${name} ${version}`)
      .join(", ");
    log(`${tag}: installing ${pins} and their pinned dependencies from PyPI ...`);
    await pip(work, [...pipInstall, "-r", requirementsFile(spec), "-c", constraintsFile(spec)], spec);
    const frozen = await freeze(work, spec);
    const drift = compareWithConstraints(frozen, spec);
    if (drift.length > 0)
      throw new Error(
        `the installed packages differ from ${spec.pins}/constraints.txt (${drift.join("; ")}): regenerate it with \`${spec.lockCommand}\` (see ${spec.readme})`,
      );
    retargetVenv(work, dir);
    const seconds = Math.round((Date.now() - started) / 1000);
    writeFileSync(
      join(work, stampName),
      `${JSON.stringify({ ...versions, python: pythonVersion, recipe: recipe(spec), packages: frozen, builtAt: new Date().toISOString(), buildSeconds: seconds }, null, 2)}\n`,
    );
    publish(work, dir);
    // Earlier builds are of no further use and each weighs a few hundred MB.
    for (const old of readdirSync(cacheRoot)) {
      if (join(cacheRoot, old) !== dir && !old.includes(".building-"))
        rmSync(join(cacheRoot, old), { recursive: true, force: true });
    }
    log(`${tag}: built ${pins} (${frozen.length} packages) in ${seconds} s into ${dir}`);
    return { ...layout(dir, versions), built: true, seconds };
  } catch (e) {
    rmSync(work, { recursive: true, force: true });
    throw e;
  }
}

/**
 * Installs requirements.txt alone into a scratch venv and writes what it got into constraints.txt:
 * the step after a bump of requirements.txt (testpeers/python/README.md).
 */
export async function lockPins(
  log: (line: string) => void = console.log,
  spec: PythonPeerSpec = testPeerSpec,
): Promise<string[]> {
  const { cacheRoot, tag } = spec;
  mkdirSync(cacheRoot, { recursive: true });
  const work = join(cacheRoot, `lock.building-${process.pid}`);
  rmSync(work, { recursive: true, force: true });
  try {
    log(`${tag}: resolving ${spec.pins}/requirements.txt with ${await baseVersion(spec)} ...`);
    await makeVenv(work, spec);
    await pip(work, [...pipInstall, "-r", requirementsFile(spec)], spec);
    const frozen = await freeze(work, spec);
    const header = [
      `# The whole set ${spec.title} installs, as \`pip freeze\` printed it after installing`,
      `# requirements.txt on Python 3.11 (${spec.readme}). A build installs with this file as`,
      `# constraints and fails if the installed set differs from it. Regenerate it with \`${spec.lockCommand}\`.`,
    ];
    writeFileSync(constraintsFile(spec), `${[...header, ...frozen].join("\n")}\n`);
    log(`${tag}: wrote ${frozen.length} pins to ${spec.pins}/constraints.txt`);
    return frozen;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

async function baseVersion(spec: PythonPeerSpec): Promise<string> {
  const result = await runProcess(basePython, ["--version"]).catch((e: Error) => {
    throw new Error(`${e.message}: ${spec.title} needs Python 3.11 as \`${basePython}\``);
  });
  // Python 2 and very old 3s print their version on stderr.
  const version = (result.stdout || result.stderr).trim();
  if (result.code !== 0 || !/^Python \d/.test(version))
    throw new Error(`\`${basePython} --version\` exited with ${result.code} and printed "${version}"`);
  return version;
}

async function makeVenv(dir: string, spec: PythonPeerSpec): Promise<void> {
  // The prompt is named, or activate would show the temporary folder's name.
  const args = ["-m", "venv", "--prompt", spec.prompt, dir];
  const result = await runProcess(basePython, args);
  if (result.code !== 0)
    throw new Error(
      `\`${basePython} ${args.join(" ")}\` exited with ${result.code} (on Debian, \`apt-get install python3-venv\` adds the ensurepip it needs):\n${tail(result.stdout + result.stderr)}`,
    );
}

/** Runs the venv's pip; a failure names the command and shows the end of pip's output. */
async function pip(venv: string, args: string[], spec: PythonPeerSpec): Promise<ProcessResult> {
  const python = join(venv, "bin", "python");
  const result = await runProcess(python, args, {
    cwd: repoRoot,
    env: { ...process.env, PIP_NO_INPUT: "1", PIP_PROGRESS_BAR: "off" },
  });
  if (result.code !== 0)
    throw new Error(
      `\`${python} ${args.join(" ")}\` exited with ${result.code}; after fixing the cause (network to PyPI, ${spec.pins}/*.txt), run \`${spec.buildCommand}\`. pip said:\n${tail(result.stdout + result.stderr)}`,
    );
  return result;
}

/** The venv's packages as `name==version` lines, pip, setuptools and wheel left out (as pip freeze does). */
async function freeze(venv: string, spec: PythonPeerSpec): Promise<string[]> {
  const { stdout } = await pip(venv, ["-m", "pip", "freeze", "--disable-pip-version-check"], spec);
  return stdout.split("\n").filter((line) => line.trim() !== "");
}

/** What tells installed packages from constraints.txt: "numpy 2.4.6, constraints say 2.4.5" and the like. */
function compareWithConstraints(frozen: string[], spec: PythonPeerSpec): string[] {
  const parse = (lines: string[]) =>
    new Map(
      lines
        .map((line) => line.replace(/#.*/, "").trim())
        .filter((line) => line !== "")
        .map((line) => {
          const [name = "", version = ""] = line.split("==");
          // PyPI names compare case-insensitively, with runs of -, _ and . alike (PEP 503).
          return [name.toLowerCase().replace(/[-_.]+/g, "-"), version] as const;
        }),
    );
  const installed = parse(frozen);
  const pinned = parse(readFileSync(constraintsFile(spec), "utf8").split("\n"));
  const drift: string[] = [];
  for (const [name, version] of installed) {
    const want = pinned.get(name);
    if (want === undefined) drift.push(`${name} ${version} is installed but not pinned`);
    else if (want !== version) drift.push(`${name} ${version} is installed, constraints say ${want}`);
  }
  for (const [name, version] of pinned)
    if (!installed.has(name)) drift.push(`${name} ${version} is pinned but not installed`);
  return drift;
}

/**
 * Renames a finished build into place. Two builds of the same inputs may race (two test runs on a
 * fresh machine): the first to rename wins and the other's work is dropped.
 */
function publish(work: string, dir: string): void {
  const done = () => existsSync(join(dir, stampName));
  for (let attempt = 1; ; attempt++) {
    try {
      renameSync(work, dir);
      return;
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code !== "ENOTEMPTY" && code !== "EEXIST") throw e;
      if (done()) break;
      // A folder without a stamp is not a build (a rename cannot make one, but a hand may): replaced.
      if (attempt > 1) throw e;
      rmSync(dir, { recursive: true, force: true });
    }
  }
  rmSync(work, { recursive: true, force: true });
}

/** Removes the work folders of builds whose process has ended (killed before it could clean up). */
function removeAbandonedBuilds(cacheRoot: string): void {
  for (const name of readdirSync(cacheRoot)) {
    const pid = /\.building-(\d+)$/.exec(name)?.[1];
    if (pid !== undefined && !alive(Number(pid)))
      rmSync(join(cacheRoot, name), { recursive: true, force: true });
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

const capitalised = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);
