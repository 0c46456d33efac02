import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";

/**
 * Builds the Jaeger test peer (testpeers/jaeger/README.md): the `jaeger` binary (Jaeger v2, the
 * OpenTelemetry-collector based all-in-one) of the pinned module github.com/jaegertracing/jaeger,
 * once, into a git-ignored cache folder whose name holds the version and a hash of everything that
 * decides the binary (go.mod, go.sum, the Go version, the recipe below). A second build with the
 * same inputs finds the folder's stamp and does nothing.
 */

export const repoRoot = resolve(import.meta.dirname, "..", "..");
export const moduleDir = join(repoRoot, "testpeers", "jaeger");
export const cacheRoot = join(repoRoot, ".cache", "testpeers", "jaeger");
/** The peer's configuration, its endpoints left as `${env:…}` (filled in at each start). */
export const configTemplate = join(moduleDir, "config.yaml");
export const buildCommand = "node --import tsx scripts/jaeger-peer.ts build";

const jaegerModule = "github.com/jaegertracing/jaeger";
const jaegerPackage = `${jaegerModule}/cmd/jaeger`;
/** Written last into a build; a folder without it is not a build. */
const stampName = "stamp.json";

/** Bumped when the way of building changes, so that the cache folder changes with it. */
const recipe = "1: cmd/jaeger, -trimpath -ldflags=-s -w, version stamped, -mod=readonly";

/** The version of github.com/jaegertracing/jaeger pinned in testpeers/jaeger/go.mod. */
export function pinnedVersion(): string {
  const text = readFileSync(join(moduleDir, "go.mod"), "utf8");
  const found = /^\s*(?:require\s+)?github\.com\/jaegertracing\/jaeger (v\S+)/m.exec(text);
  if (!found?.[1]) throw new Error(`testpeers/jaeger/go.mod: no version of ${jaegerModule} is required`);
  return found[1];
}

export interface JaegerBuild {
  dir: string;
  /** The `jaeger` binary. */
  bin: string;
  /** The pinned module version (v1.x: the repository tags each release v1.x and v2.y). */
  version: string;
}

function layout(dir: string, version: string): JaegerBuild {
  return { dir, bin: join(dir, "jaeger"), version };
}

/** Where the build for the current inputs lives (whether or not it has been made yet). */
export async function peerBuildDir(): Promise<{ dir: string; version: string; goVersion: string }> {
  const version = pinnedVersion();
  const goVersion = (await run("go", ["env", "GOVERSION"])).trim();
  const hash = createHash("sha256")
    .update(recipe)
    .update(goVersion)
    .update(readFileSync(join(moduleDir, "go.mod")))
    .update(readFileSync(join(moduleDir, "go.sum")));
  return { dir: join(cacheRoot, `${version}-${hash.digest("hex").slice(0, 12)}`), version, goVersion };
}

/** The built peer, or an error that says how to build it. */
export async function builtJaeger(): Promise<JaegerBuild> {
  const { dir, version } = await peerBuildDir();
  if (!existsSync(join(dir, stampName)))
    throw new Error(
      `The Jaeger test peer ${version} is not built (no ${join(dir, stampName)}): run \`${buildCommand}\` (it needs Go; see testpeers/jaeger/README.md)`,
    );
  return layout(dir, version);
}

/** Builds the peer unless the cache already holds this build. Returns whether it built, and how long it took. */
export async function buildJaeger(
  log: (line: string) => void = console.log,
): Promise<JaegerBuild & { built: boolean; seconds: number }> {
  const { dir, version, goVersion } = await peerBuildDir();
  if (existsSync(join(dir, stampName))) {
    log(`jaeger-peer: ${dir} is up to date`);
    return { ...layout(dir, version), built: false, seconds: 0 };
  }
  mkdirSync(cacheRoot, { recursive: true });
  removeAbandonedBuilds();
  // Built in a folder of its own and renamed at the end, so that a half-made build is never taken.
  const work = `${dir}.building-${process.pid}`;
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work);
  const started = Date.now();
  try {
    log(`jaeger-peer: building ${jaegerPackage}@${version} with ${goVersion} (-p ${buildJobs()}) ...`);
    const ldflags = `-s -w -X ${jaegerModule}/internal/version.latestVersion=${version}`;
    // nice and -p 1: a build of some 2,300 packages must leave a 2-core machine usable. CI, with
    // nothing else to run, gives it every core (AIOS_PEER_BUILD_JOBS).
    await run("nice", [
      "-n",
      "19",
      "go",
      "build",
      "-p",
      buildJobs(),
      "-trimpath",
      `-ldflags=${ldflags}`,
      "-o",
      join(work, "jaeger"),
      jaegerPackage,
    ]);
    const seconds = Math.round((Date.now() - started) / 1000);
    writeFileSync(
      join(work, stampName),
      `${JSON.stringify({ jaeger: version, package: jaegerPackage, go: goVersion, recipe, builtAt: new Date().toISOString(), buildSeconds: seconds }, null, 2)}\n`,
    );
    publish(work, dir);
    // Earlier builds are of no further use and each weighs some 100 MB.
    for (const old of readdirSync(cacheRoot)) {
      if (join(cacheRoot, old) !== dir && !old.includes(".building-"))
        rmSync(join(cacheRoot, old), { recursive: true, force: true });
    }
    log(`jaeger-peer: built jaeger ${version} in ${seconds} s into ${dir}`);
    return { ...layout(dir, version), built: true, seconds };
  } catch (e) {
    rmSync(work, { recursive: true, force: true });
    throw e;
  }
}

/**
 * Renames a finished build into place. Two builds of the same inputs may race (two test runs on a
 * fresh machine): the first to rename wins and the other's work is dropped.
 */
function publish(work: string, dir: string): void {
  for (let attempt = 1; ; attempt++) {
    try {
      renameSync(work, dir);
      return;
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code !== "ENOTEMPTY" && code !== "EEXIST") throw e;
      if (existsSync(join(dir, stampName))) break;
      // A folder without a stamp is not a build (a rename cannot make one, but a hand may): replaced.
      if (attempt > 1) throw e;
      rmSync(dir, { recursive: true, force: true });
    }
  }
  rmSync(work, { recursive: true, force: true });
}

/** Removes the work folders of builds whose process has ended (killed before it could clean up). */
function removeAbandonedBuilds(): void {
  for (const name of readdirSync(cacheRoot)) {
    const pid = /\.building-(\d+)$/.exec(name)?.[1];
    if (pid !== undefined && !alive(Number(pid)))
      rmSync(join(cacheRoot, name), { recursive: true, force: true });
  }
}

export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** Runs a command in the module's folder to its end; its stdout is returned, its stderr passed through. */
function run(command: string, args: string[]): Promise<string> {
  return new Promise((done, fail) => {
    const child = spawn(command, args, {
      cwd: moduleDir,
      // readonly: the pinned go.sum is the whole truth; a build never edits the module.
      env: { ...process.env, GOFLAGS: "-mod=readonly -buildvcs=false" },
      stdio: ["ignore", "pipe", "inherit"],
    });
    let out = "";
    child.stdout.on("data", (b: Buffer) => {
      out += b.toString();
    });
    child.on("error", (e: NodeJS.ErrnoException) =>
      fail(
        e.code === "ENOENT"
          ? new Error(
              `${command} is not installed: the Jaeger test peer is built with Go (testpeers/jaeger/README.md)`,
            )
          : e,
      ),
    );
    child.on("close", (code) =>
      code === 0
        ? done(out)
        : fail(new Error(`\`${command} ${args.join(" ")}\` in ${moduleDir} exited with ${code}`)),
    );
  });
}

/** Packages compiled at once: AIOS_PEER_BUILD_JOBS (a whole number), 1 by default. */
function buildJobs(): string {
  const given = process.env.AIOS_PEER_BUILD_JOBS;
  if (given === undefined || given === "") return "1";
  if (!/^[1-9]\d*$/.test(given))
    throw new Error(`AIOS_PEER_BUILD_JOBS must be a whole number of 1 or more, not "${given}"`);
  return given;
}
