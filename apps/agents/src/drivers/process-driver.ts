import { type ChildProcess, spawn } from "node:child_process";
import { appendFileSync, closeSync, mkdirSync, openSync } from "node:fs";
import { join, resolve } from "node:path";
import {
  findFreePort,
  MAX_BODY_ENV,
  ORPHAN_GUARD_PRELOAD,
  orphanGuardEnv,
  probeHostOf,
  waitForPort,
} from "@aios/service-kit";
import { companionVariables, sidecarPortsOf, toldEnv } from "./companion-env";
import { resolveComponentEntry } from "./component-entry";
import {
  type Driver,
  DriverClosedError,
  type JobSpec,
  needsNoSnapshot,
  type Workload,
  type WorkloadExit,
  type WorkloadKind,
  type WorkloadSpec,
} from "./driver";
import { limitedCommand } from "./instance-limits";
import {
  adoptSidecars,
  type CompanionProgram,
  companionLogName,
  companionPrograms,
  runInitContainers,
  sidecarsListening,
  startSidecars,
  withSidecars,
  workloadLogs,
} from "./instance-sidecars";
import { runsProgram, signalGroup, stopGroup, watchedExit } from "./process-groups";
import { baseWorkloadEnv } from "./workload-env";
import { type WorkloadRecord, workloadRecords } from "./workload-records";
import { createWorkloadIdentity, type WorkloadIdentity, type WorkloadLease } from "./workload-user";

/** The fd a workload has the agent's alive file open as (after stdin, stdout, stderr). */
const ALIVE_FD = 3;

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
  mkdirSync(logsDir, { recursive: true });
  const records = workloadRecords(join(opts.stateDir, "workloads"));
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
  const logFile = (name: string) => join(logsDir, `${name}.log`);

  const workloadOf = (
    record: WorkloadRecord,
    lease: WorkloadLease,
    exited: Promise<WorkloadExit>,
  ): Workload => ({
    name: record.name,
    labels: record.labels ?? {},
    endpoint: record.endpoint,
    pid: record.pid,
    controlToken: record.controlToken ?? null,
    dataToken: record.dataToken ?? null,
    exited,
    logs: (limit = 200, container?: string) => workloadLogs(logFile, record.name, limit, container),
    async stop() {
      await stopGroup(record.pid, exited); // whatever it started goes too
      records.remove(record.name);
      lease.release();
    },
  });

  /**
   * `node <program> <args>` as the lease's user, held to the workload's limits, with the orphan
   * guard, in a session of its own (stopping it stops what it started), output to `log`'s file.
   */
  const spawnProgram = (
    spec: WorkloadSpec,
    lease: WorkloadLease,
    run: { program: string; args?: string[]; viaTsx: boolean; log: string; env: Record<string, string> },
  ): ChildProcess => {
    const out = openSync(logFile(run.log), "a");
    const alive = openAlive();
    const args = [...snapshotFlags(spec.kind), ...nodeArgs(run.program, run.viaTsx), ...(run.args ?? [])];
    // An instance (user code) runs held to its memory and at a lower priority than the platform.
    const limited = limitedCommand(process.execPath, args, {
      memoryMb: spec.memoryMb,
      nice: spec.kind === "instance" ? opts.instanceNice : undefined,
    });
    const child = spawn(limited.command, limited.args, {
      cwd: opts.repoRoot,
      env: { ...run.env, ...guardEnv },
      stdio: ["ignore", out, out, ...alive],
      detached: true,
      ...lease.spawnOptions(),
    });
    closeSync(out);
    for (const fd of alive) closeSync(fd);
    return child;
  };

  return {
    name: "process",

    async start(spec: WorkloadSpec): Promise<Workload> {
      if (closed) throw new DriverClosedError(spec.name);
      if (spec.image)
        throw new Error(
          `${spec.name} runs the container image ${spec.image}, and the process driver runs no containers: run this block on a cluster whose agents use AIOS_DRIVER=kubernetes`,
        );
      const program = programOf(spec);
      const companions = companionPrograms(spec, (entry, field) =>
        resolveComponentEntry(opts.repoRoot, entry, field),
      );
      const port = await findFreePort();
      const sidecarPorts = await sidecarPortsOf(spec.sidecars ?? [], findFreePort);
      if (closed) throw new DriverClosedError(spec.name);
      const lease = workloads.claim(homeOf(spec.name), { taken: records.uids() });
      const visible = spec.gpus.join(",");
      const shared = { HOST: bindHost, CUDA_VISIBLE_DEVICES: visible, NVIDIA_VISIBLE_DEVICES: visible };
      const told = toldEnv(port, sidecarPorts, lease.home);
      // Init containers and side-cars: the instance's user, limits, home and GPUs, their own variables.
      const spawnCompanion = (c: CompanionProgram, companion: Parameters<typeof companionVariables>[1]) =>
        spawnProgram(spec, lease, {
          program: c.program,
          args: c.args,
          viaTsx: c.program.endsWith(".ts"),
          log: companionLogName(spec.name, c.name),
          env: { ...baseWorkloadEnv(lease.env()), ...companionVariables(spec, companion, told), ...shared },
        });
      let sidecars: ReturnType<typeof startSidecars> = [];
      try {
        await runInitContainers(
          spec.name,
          spec.initContainers ?? [],
          companions.inits,
          spawnCompanion,
          logFile,
        );
        sidecars = startSidecars(spec.sidecars ?? [], companions.sidecars, spawnCompanion);
      } catch (err) {
        lease.release();
        throw err;
      }
      const child = spawnProgram(spec, lease, {
        program,
        viaTsx: program.endsWith(".ts") || !!spec.bundle,
        log: spec.name,
        env: {
          ...baseWorkloadEnv(lease.env()),
          ...(spec.kind === "instance" ? {} : opts.runtimeEnv),
          ...spec.env,
          ...spec.secretEnv,
          // Only the workload it was made for gets a token; none goes to a workload without one.
          ...(spec.controlToken ? { AIOS_CONTROL_TOKEN: spec.controlToken } : {}),
          ...(spec.dataToken ? { AIOS_DATA_TOKEN: spec.dataToken } : {}),
          ...(opts.maxBodyMb !== undefined ? { [MAX_BODY_ENV]: String(opts.maxBodyMb) } : {}),
          ...(sidecars.length > 0 || companions.inits.length > 0 ? told : {}),
          ...shared,
          PORT: String(port),
        },
      });
      if (child.pid === undefined) {
        for (const s of sidecars) signalGroup(s.pid, "SIGKILL");
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
        ...(sidecars.length > 0
          ? { sidecars: sidecars.map(({ name, pid, entry }) => ({ name, pid, entry })) }
          : {}),
      };
      records.write(record);
      const exited = new Promise<WorkloadExit>((r) =>
        child.once("exit", (code, signal) => r({ code, signal })),
      );
      child.unref();
      const workload = withSidecars(workloadOf(record, lease, exited), sidecars);
      try {
        await Promise.race([
          Promise.all([
            waitForPort(port, 60_000, probeHostOf(bindHost)),
            sidecarsListening(sidecarPorts, probeHostOf(bindHost)),
          ]),
          workload.exited.then(({ code, signal, sidecar }) => {
            const who = sidecar ? `${spec.name}: side-car ${sidecar}` : spec.name;
            throw new Error(
              `${who} exited while starting (${code ?? signal}): ${workload.logs(5, sidecar).join(" | ")}`,
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
        taken: records.uids(),
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

    list: () => records.names(),

    adopt(name: string): Workload | null {
      const record = records.read(name);
      if (!record) return null;
      const lease = workloads.adopt(homeOf(name), record.uid);
      const runs = runsProgram(record.pid, record.entry);
      // One of its side-cars ended while no agent watched: it goes whole, and starts again whole.
      const sidecars = runs ? adoptSidecars(record.sidecars) : null;
      if (!runs || !sidecars) {
        if (runs) signalGroup(record.pid, "SIGKILL");
        records.remove(name);
        lease.release();
        return null;
      }
      // Not our child any more: watch the pid instead of an exit event.
      return withSidecars(workloadOf(record, lease, watchedExit(record.pid, record.entry)), sidecars);
    },
  };
}
