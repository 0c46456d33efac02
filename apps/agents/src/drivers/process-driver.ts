import { spawn } from "node:child_process";
import {
  appendFileSync,
  chmodSync,
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { join, resolve } from "node:path";
import {
  findFreePort,
  MAX_BODY_ENV,
  ORPHAN_GUARD_PRELOAD,
  orphanGuardEnv,
  probeHostOf,
  waitForPort,
} from "@aios/service-kit";
import { resolveComponentEntry } from "./component-entry";
import {
  type Driver,
  DriverClosedError,
  type JobSpec,
  needsNoSnapshot,
  type Workload,
  type WorkloadKind,
  type WorkloadSpec,
} from "./driver";
import { limitedCommand } from "./instance-limits";
import { tailLines } from "./tail";
import { baseWorkloadEnv } from "./workload-env";
import { createWorkloadIdentity, type WorkloadIdentity, type WorkloadLease } from "./workload-user";

/** The fd a workload has the agent's alive file open as (after stdin, stdout, stderr). */
const ALIVE_FD = 3;

interface WorkloadRecord {
  name: string;
  labels: { [key: string]: string };
  pid: number;
  endpoint: string;
  entry: string;
  /** Absent in records of workloads started without one (or by an older agent). */
  controlToken?: string;
  /** Its data token (`AIOS_DATA_TOKEN`), absent likewise. */
  dataToken?: string;
  /** The uid (and gid) it runs as when it has one of its own (see WorkloadIdentity.uids). */
  uid?: number;
}

/**
 * Runs workloads as processes of this machine: `node <entry>` (`--import tsx` for a TypeScript
 * source, none for a bundle) with PORT and the spec's environment (never the agent's: see
 * baseWorkloadEnv), as a user of its own (see WorkloadIdentity) with a home of its own, each in its
 * own session (stopping it stops what it started), its output in `<stateDir>/logs/<name>.log`
 * (opened by the agent, so a workload needs no access to the agent's state). A record per workload in `<stateDir>/workloads/` lets a restarted
 * agent adopt what still runs: output goes to files, not pipes, so nothing depends on the agent.
 * A record holds the workload's control token, so records are 0600 in a 0700 directory.
 * Every process starts with the orphan guard preloaded: when the agent's alive file has not been
 * touched for `orphanGraceSeconds` (the agent was killed and none came back), it stops itself.
 */
export function createProcessDriver(opts: {
  repoRoot: string;
  stateDir: string;
  /** The host name others reach this node's workloads by (in their endpoints). */
  host?: string;
  /** The address workloads listen on (`HOST` in their environment); 0.0.0.0 for every interface. */
  bindHost?: string;
  /** The file the agent's beacon touches (`startAliveBeacon`); unset: workloads run on unguarded. */
  aliveFile?: string;
  /** How long a workload outlives its agent before it stops itself; 0 never. */
  orphanGraceSeconds?: number;
  /** `AIOS_MAX_BODY_MB` of every workload: the agent's own, so every hop refuses past one limit. */
  maxBodyMb?: number;
  /**
   * Workloads load isolated-vm themselves (AIOS_RUNTIME_POLICY_ISOLATION=in-process), which needs
   * `--no-node-snapshot`; otherwise their sandbox child sets it and they keep Node's startup
   * snapshot (about 65 ms less per start).
   */
  isolatesInProcess?: boolean;
  /** What the platform's runtimes (executors, vDAG controllers) get beyond their spec: the agent's runtime policy settings. */
  runtimeEnv?: Record<string, string>;
  /** Who workloads run as and where they may write; default: the agent's own user, under `<stateDir>/workload-homes`. */
  workloads?: WorkloadIdentity;
  /** Instances' scheduling priority (nice; AIOS_INSTANCE_NICE); unset or 0: the agent's own. */
  instanceNice?: number;
}): Driver {
  const host = opts.host ?? "127.0.0.1";
  const bindHost = opts.bindHost ?? "127.0.0.1";
  const logsDir = join(opts.stateDir, "logs");
  const recordsDir = join(opts.stateDir, "workloads");
  mkdirSync(logsDir, { recursive: true });
  mkdirSync(recordsDir, { recursive: true, mode: 0o700 });
  chmodSync(recordsDir, 0o700); // also when an older agent made it
  const workloads =
    opts.workloads ?? createWorkloadIdentity({ dir: join(opts.stateDir, "workload-homes"), user: null });
  const guardEnv = opts.aliveFile
    ? orphanGuardEnv(opts.aliveFile, opts.orphanGraceSeconds ?? 60, ALIVE_FD)
    : {};
  // The alive file, open for the guard of a workload that cannot reach it by path.
  const openAlive = () => {
    if (!opts.aliveFile) return [];
    closeSync(openSync(opts.aliveFile, "a"));
    return [openSync(opts.aliveFile, "r")];
  };
  // A bundle of the platform (.mjs, .js) runs on plain Node; TypeScript sources, and a component's
  // pushed bundle (it imports the SDK's sources), through tsx.
  const nodeArgs = (program: string, viaTsx = program.endsWith(".ts")) => [
    "--import",
    ORPHAN_GUARD_PRELOAD,
    ...(viaTsx ? ["--import", "tsx"] : []),
    program,
  ];
  // Component code stays in the component directory (or the asset cache, for pushed code); the
  // runtimes' entries are the platform's own.
  const programOf = (spec: Pick<WorkloadSpec, "kind" | "entry" | "bundle">) =>
    spec.bundle ??
    (spec.kind === "instance"
      ? resolveComponentEntry(opts.repoRoot, spec.entry)
      : resolve(opts.repoRoot, spec.entry));
  const homeOf = (name: string) => `homes/${name}`;
  const snapshotFlags = (kind: WorkloadKind) =>
    needsNoSnapshot(kind, opts.isolatesInProcess ?? false) ? ["--no-node-snapshot"] : [];
  let closed = false;
  const recordFile = (name: string) => join(recordsDir, `${name}.json`);
  const logFile = (name: string) => join(logsDir, `${name}.log`);

  // The uids of the workloads this driver has records of: none is given to a new one.
  const recordedUids = () =>
    readdirSync(recordsDir)
      .filter((f) => f.endsWith(".json"))
      .flatMap((f) => {
        try {
          const uid = (JSON.parse(readFileSync(join(recordsDir, f), "utf8")) as WorkloadRecord).uid;
          return uid === undefined ? [] : [uid];
        } catch {
          return [];
        }
      });

  const workloadOf = (
    record: WorkloadRecord,
    lease: WorkloadLease,
    exited: Promise<{ code: number | null; signal: string | null }>,
  ): Workload => ({
    name: record.name,
    labels: record.labels ?? {},
    endpoint: record.endpoint,
    pid: record.pid,
    controlToken: record.controlToken ?? null,
    dataToken: record.dataToken ?? null,
    exited,
    logs: (limit = 200) => tailLines(logFile(record.name), limit),
    async stop() {
      signalGroup(record.pid, "SIGTERM");
      const timer = setTimeout(() => signalGroup(record.pid, "SIGKILL"), 5_000);
      await exited;
      clearTimeout(timer);
      signalGroup(record.pid, "SIGKILL"); // whatever it started goes too
      rmSync(recordFile(record.name), { force: true });
      lease.release();
    },
  });

  return {
    name: "process",

    async start(spec: WorkloadSpec): Promise<Workload> {
      if (closed) throw new DriverClosedError(spec.name);
      if (spec.image)
        throw new Error(
          `${spec.name} runs the container image ${spec.image}, and the process driver runs no containers: run this block on a cluster whose agents use AIOS_DRIVER=kubernetes`,
        );
      const program = programOf(spec);
      const port = await findFreePort();
      if (closed) throw new DriverClosedError(spec.name);
      const lease = workloads.claim(homeOf(spec.name), { taken: recordedUids() });
      const out = openSync(logFile(spec.name), "a");
      const alive = openAlive();
      const visible = spec.gpus.join(",");
      const args = [
        ...snapshotFlags(spec.kind),
        ...nodeArgs(program, program.endsWith(".ts") || !!spec.bundle),
      ];
      // An instance (user code) runs held to its memory and at a lower priority than the platform.
      const run = limitedCommand(process.execPath, args, {
        memoryMb: spec.memoryMb,
        nice: spec.kind === "instance" ? opts.instanceNice : undefined,
      });
      const child = spawn(run.command, run.args, {
        cwd: opts.repoRoot,
        env: {
          ...baseWorkloadEnv(lease.env()),
          ...(spec.kind === "instance" ? {} : opts.runtimeEnv),
          ...spec.env,
          ...spec.secretEnv,
          ...guardEnv,
          // Only the workload it was made for gets a token; none goes to a workload without one.
          ...(spec.controlToken ? { AIOS_CONTROL_TOKEN: spec.controlToken } : {}),
          ...(spec.dataToken ? { AIOS_DATA_TOKEN: spec.dataToken } : {}),
          ...(opts.maxBodyMb !== undefined ? { [MAX_BODY_ENV]: String(opts.maxBodyMb) } : {}),
          HOST: bindHost,
          PORT: String(port),
          CUDA_VISIBLE_DEVICES: visible,
          NVIDIA_VISIBLE_DEVICES: visible,
        },
        stdio: ["ignore", out, out, ...alive],
        detached: true,
        ...lease.spawnOptions(),
      });
      closeSync(out);
      for (const fd of alive) closeSync(fd);
      if (child.pid === undefined) {
        lease.release();
        throw new Error(`could not start ${spec.name}`);
      }
      const record: WorkloadRecord = {
        name: spec.name,
        labels: spec.labels ?? {},
        pid: child.pid,
        endpoint: `http://${host}:${port}`,
        entry: program,
        ...(spec.controlToken ? { controlToken: spec.controlToken } : {}),
        ...(spec.dataToken ? { dataToken: spec.dataToken } : {}),
        ...(lease.user && workloads.uids ? { uid: lease.user.uid } : {}),
      };
      writeRecord(recordFile(spec.name), record);
      const exited = new Promise<{ code: number | null; signal: string | null }>((r) =>
        child.once("exit", (code, signal) => r({ code, signal })),
      );
      child.unref();
      const workload = workloadOf(record, lease, exited);
      try {
        await Promise.race([
          waitForPort(port, 60_000, probeHostOf(bindHost)),
          exited.then(({ code, signal }) => {
            throw new Error(
              `${spec.name} exited while starting (${code ?? signal}): ${workload.logs(5).join(" | ")}`,
            );
          }),
        ]);
      } catch (err) {
        await workload.stop();
        throw err;
      }
      if (closed) {
        // Closed while it started: whoever closed us may have swept already.
        await workload.stop();
        throw new DriverClosedError(spec.name);
      }
      return workload;
    },

    runJob(spec: JobSpec): Promise<{ code: number | null }> {
      if (closed) return Promise.reject(new DriverClosedError(spec.name));
      let program: string;
      try {
        program = spec.runtime
          ? resolve(opts.repoRoot, spec.entry)
          : resolveComponentEntry(opts.repoRoot, spec.entry, "runtime.init.entry");
      } catch (err) {
        return Promise.reject(err);
      }
      // A managed system's directory belongs to one uid: its init steps (install, uninstall) run as
      // that uid, which can stop what install left running and remove its data.
      const systemDir = spec.env.AIOS_SYSTEM_DIR;
      const systemUid = systemDir ? workloads.systemOwner(systemDir) : null;
      const lease = workloads.claim(homeOf(spec.name), {
        taken: recordedUids(),
        ...(systemUid !== null ? { uid: systemUid } : {}),
      });
      if (systemDir) workloads.ownSystemDir(systemDir, lease);
      return new Promise<{ code: number | null }>((resolvePromise, reject) => {
        const alive = openAlive();
        const child = spawn(process.execPath, nodeArgs(program), {
          cwd: opts.repoRoot,
          env: { ...baseWorkloadEnv(lease.env()), ...spec.env, ...spec.secretEnv, ...guardEnv },
          stdio: ["ignore", "pipe", "pipe", ...alive],
          detached: true,
          ...lease.spawnOptions(),
        });
        for (const fd of alive) closeSync(fd);
        let buffered = "";
        const onData = (chunk: Buffer) => {
          buffered += chunk.toString("utf8");
          const lines = buffered.split("\n");
          buffered = lines.pop() ?? "";
          for (const line of lines) {
            if (line.trim()) {
              appendFileSync(logFile(spec.name), `${line}\n`);
              spec.onLine?.(line);
            }
          }
        };
        child.stdout?.on("data", onData);
        child.stderr?.on("data", onData);
        const timer = setTimeout(() => {
          signalGroup(child.pid ?? 0, "SIGKILL");
          reject(new Error(`${spec.name} did not finish within ${spec.timeoutMs} ms`));
        }, spec.timeoutMs);
        child.once("error", reject);
        child.once("close", (code) => {
          clearTimeout(timer);
          resolvePromise({ code });
        });
      }).finally(() => {
        lease.release();
        if (systemDir) workloads.dropEmptySystemDir(systemDir);
      });
    },

    close() {
      closed = true;
    },

    list: () =>
      readdirSync(recordsDir)
        .filter((f) => f.endsWith(".json"))
        .map((f) => f.slice(0, -5)),

    adopt(name: string): Workload | null {
      const file = recordFile(name);
      if (!existsSync(file)) return null;
      const record = JSON.parse(readFileSync(file, "utf8")) as WorkloadRecord;
      const lease = workloads.adopt(homeOf(name), record.uid);
      if (!runs(record)) {
        rmSync(file, { force: true });
        lease.release();
        return null;
      }
      // Not our child any more: watch the pid instead of an exit event.
      const exited = new Promise<{ code: number | null; signal: string | null }>((r) => {
        const timer = setInterval(() => {
          if (!runs(record)) {
            clearInterval(timer);
            r({ code: null, signal: null });
          }
        }, 500);
        timer.unref();
      });
      return workloadOf(record, lease, exited);
    },
  };
}

/** Written 0600 (it may hold the workload's tokens), also over a file an earlier start left. */
function writeRecord(file: string, record: WorkloadRecord): void {
  rmSync(file, { force: true });
  writeFileSync(file, JSON.stringify(record), { mode: 0o600, flag: "wx" });
}

/** The pid still runs the same program (not a zombie, not a reused pid). */
function runs(record: WorkloadRecord): boolean {
  try {
    const stat = readFileSync(`/proc/${record.pid}/stat`, "utf8");
    if (/^\d+ \(.*\) Z/.test(stat)) return false;
    return readFileSync(`/proc/${record.pid}/cmdline`, "utf8").includes(record.entry);
  } catch {
    return false;
  }
}

function signalGroup(pid: number, signal: NodeJS.Signals) {
  try {
    process.kill(-pid, signal);
  } catch {
    // already gone
  }
}
