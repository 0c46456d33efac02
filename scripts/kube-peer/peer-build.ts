import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { join, resolve } from "node:path";

/**
 * Builds the test Kubernetes control plane (etcd, kube-apiserver, kube-controller-manager,
 * kube-scheduler and kwok), and kustomize for the manifests' tests (k8s/test), from the pinned Go modules in testpeers/kubernetes, once, into a
 * git-ignored cache folder whose name holds the Kubernetes version and a hash of everything that
 * decides the binaries (the modules' go.mod and go.sum, the Go version, the recipe below). A second
 * build with the same inputs finds the folder's stamp and does nothing.
 */

export const repoRoot = resolve(import.meta.dirname, "..", "..");
const modulesDir = join(repoRoot, "testpeers", "kubernetes");
export const cacheRoot = join(repoRoot, ".cache", "testpeers", "kubernetes");
/** The project's own kwok stages (faults that kwok's do not play), read at each start. */
export const projectStagesDir = join(modulesDir, "stages");

/** The binaries of the peer and the Go module (a folder of testpeers/kubernetes) each is built in. */
const binaries = [
  { name: "etcd", module: "etcd", pkg: "go.etcd.io/etcd/server/v3" },
  { name: "kube-apiserver", module: "kube", pkg: "k8s.io/kubernetes/cmd/kube-apiserver" },
  { name: "kube-controller-manager", module: "kube", pkg: "k8s.io/kubernetes/cmd/kube-controller-manager" },
  { name: "kube-scheduler", module: "kube", pkg: "k8s.io/kubernetes/cmd/kube-scheduler" },
  { name: "kwok", module: "kwok", pkg: "sigs.k8s.io/kwok/cmd/kwok" },
  { name: "kustomize", module: "kustomize", pkg: "sigs.k8s.io/kustomize/kustomize/v5" },
] as const;
export type PeerBinary = (typeof binaries)[number]["name"];

/**
 * kwok's own stages (it ships them as YAML beside its code, not in its binary), copied from the
 * pinned module: nodes become Ready and keep a lease; pods become Running and Ready, Job pods
 * complete, deleted pods go; and the chaos stages that a label turns on
 * (`pod-container-running-failed.stage.kwok.x-k8s.io: "true"`, `node-not-ready.stage.kwok.x-k8s.io: "true"`).
 */
const kwokStages = [
  "kustomize/stage/node/fast/node-initialize.yaml",
  "kustomize/stage/node/heartbeat-with-lease/node-heartbeat-with-lease.yaml",
  "kustomize/stage/node/chaos/node-not-ready.yaml",
  "kustomize/stage/pod/fast/pod-ready.yaml",
  "kustomize/stage/pod/fast/pod-complete.yaml",
  "kustomize/stage/pod/fast/pod-delete.yaml",
  "kustomize/stage/pod/chaos/pod-container-running-failed.yaml",
];

/** Bumped when the way of building changes, so that the cache folder changes with it. */
const recipe = "1: -p 1 -trimpath -ldflags=-s -w, component-base version stamped";

export interface PeerVersions {
  kubernetes: string;
  etcd: string;
  kwok: string;
  kustomize: string;
}

/** The versions pinned in the modules' go.mod files. */
export function pinnedVersions(): PeerVersions {
  const pin = (module: string, path: string) => {
    const text = readFileSync(join(modulesDir, module, "go.mod"), "utf8");
    const found = new RegExp(`^\\s*(?:require\\s+)?${path.replaceAll(".", "\\.")} (v\\S+)`, "m").exec(text);
    if (!found?.[1])
      throw new Error(`testpeers/kubernetes/${module}/go.mod: no version of ${path} is required`);
    return found[1];
  };
  return {
    kubernetes: pin("kube", "k8s.io/kubernetes"),
    etcd: pin("etcd", "go.etcd.io/etcd/server/v3"),
    kwok: pin("kwok", "sigs.k8s.io/kwok"),
    kustomize: pin("kustomize", "sigs.k8s.io/kustomize/kustomize/v5"),
  };
}

export interface PeerBuild {
  dir: string;
  bin: Record<PeerBinary, string>;
  /** kwok's stage files, in the order kwok is to load them. */
  stages: string[];
  versions: PeerVersions;
}

function layout(dir: string, versions: PeerVersions): PeerBuild {
  const bin = Object.fromEntries(binaries.map((b) => [b.name, join(dir, "bin", b.name)]));
  const stages = kwokStages.map((s) => join(dir, "kwok-stages", s.split("/").at(-1)!));
  return { dir, bin: bin as Record<PeerBinary, string>, stages, versions };
}

/** Where the build for the current inputs lives (whether or not it has been made yet). */
export async function peerBuildDir(): Promise<{ dir: string; versions: PeerVersions; goVersion: string }> {
  const versions = pinnedVersions();
  const goVersion = (await run("go", ["env", "GOVERSION"], modulesDir)).trim();
  const hash = createHash("sha256").update(recipe).update(goVersion);
  for (const module of ["etcd", "kube", "kwok", "kustomize"]) {
    for (const file of ["go.mod", "go.sum"]) hash.update(readFileSync(join(modulesDir, module, file)));
  }
  return {
    dir: join(cacheRoot, `${versions.kubernetes}-${hash.digest("hex").slice(0, 12)}`),
    versions,
    goVersion,
  };
}

/** The built peer, or an error that says how to build it. */
export async function builtPeer(): Promise<PeerBuild> {
  const { dir, versions } = await peerBuildDir();
  if (!existsSync(join(dir, "stamp.json"))) {
    throw new Error(
      `The Kubernetes test peer ${versions.kubernetes} is not built (no ${join(dir, "stamp.json")}): run \`node --import tsx scripts/kube-peer.ts build\` (it needs Go; see testpeers/kubernetes/README.md)`,
    );
  }
  return layout(dir, versions);
}

/** Builds the peer unless the cache already holds this build. Returns whether it built, and how long it took. */
export async function buildPeer(
  log: (line: string) => void = console.log,
): Promise<PeerBuild & { built: boolean; seconds: number }> {
  const { dir, versions, goVersion } = await peerBuildDir();
  if (existsSync(join(dir, "stamp.json"))) {
    log(`kube-peer: ${dir} is up to date`);
    return { ...layout(dir, versions), built: false, seconds: 0 };
  }
  // Built in a folder of its own and renamed at the end, so that a half-made build is never taken.
  const work = `${dir}.building-${process.pid}`;
  rmSync(work, { recursive: true, force: true });
  mkdirSync(join(work, "bin"), { recursive: true });
  const started = Date.now();
  const ldflags = [
    "-s -w",
    `-X k8s.io/component-base/version.gitVersion=${versions.kubernetes}`,
    `-X k8s.io/component-base/version.gitMajor=${versions.kubernetes.split(".")[0]!.slice(1)}`,
    `-X k8s.io/component-base/version.gitMinor=${versions.kubernetes.split(".")[1]}`,
    "-X k8s.io/component-base/version.gitTreeState=clean",
  ].join(" ");
  for (const b of binaries) {
    const t = Date.now();
    log(`kube-peer: building ${b.name} (${b.pkg}) ...`);
    // nice and -p 1: a build of a few thousand packages must leave a 2-core machine usable. CI,
    // with nothing else to run, gives it every core (AIOS_PEER_BUILD_JOBS).
    await run(
      "nice",
      [
        "-n",
        "19",
        "go",
        "build",
        "-p",
        buildJobs(),
        "-trimpath",
        `-ldflags=${ldflags}`,
        "-o",
        join(work, "bin", b.name),
        b.pkg,
      ],
      join(modulesDir, b.module),
    );
    log(`kube-peer: built ${b.name} in ${Math.round((Date.now() - t) / 1000)} s`);
  }
  const kwokSource = (
    await run("go", ["list", "-m", "-f", "{{.Dir}}", "sigs.k8s.io/kwok"], join(modulesDir, "kwok"))
  ).trim();
  mkdirSync(join(work, "kwok-stages"));
  for (const stage of kwokStages)
    copyFileSync(join(kwokSource, stage), join(work, "kwok-stages", stage.split("/").at(-1)!));
  const seconds = Math.round((Date.now() - started) / 1000);
  writeFileSync(
    join(work, "stamp.json"),
    `${JSON.stringify({ ...versions, go: goVersion, recipe, builtAt: new Date().toISOString(), buildSeconds: seconds }, null, 2)}\n`,
  );
  rmSync(dir, { recursive: true, force: true });
  renameSync(work, dir);
  // Earlier builds are of no further use and each weighs a few hundred MB.
  for (const old of readdirSync(cacheRoot)) {
    if (join(cacheRoot, old) !== dir && !old.includes(".building-"))
      rmSync(join(cacheRoot, old), { recursive: true, force: true });
  }
  log(
    `kube-peer: built ${versions.kubernetes} (etcd ${versions.etcd}, kwok ${versions.kwok}, kustomize ${versions.kustomize}) in ${seconds} s into ${dir}`,
  );
  return { ...layout(dir, versions), built: true, seconds };
}

/** Runs a command to its end; its stdout is returned, its stderr passed through. */
function run(command: string, args: string[], cwd: string): Promise<string> {
  return new Promise((done, fail) => {
    const child = spawn(command, args, {
      cwd,
      // readonly: the pinned go.sum is the whole truth; a build never edits the modules.
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
              `${command} is not installed: the Kubernetes test peer is built with Go (testpeers/kubernetes/README.md)`,
            )
          : e,
      ),
    );
    child.on("close", (code) =>
      code === 0
        ? done(out)
        : fail(new Error(`\`${command} ${args.join(" ")}\` in ${cwd} exited with ${code}`)),
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
