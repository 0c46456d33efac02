import type { ChildProcess } from "node:child_process";
import {
  COMPANION_NAME_RE,
  DEFAULT_INIT_TIMEOUT_SECONDS,
  type TInstanceInitContainer,
  type TInstanceSidecar,
} from "@aios/contracts";
import { waitForPort } from "@aios/service-kit";
import type { SidecarPort } from "./companion-env";
import type { Workload, WorkloadExit, WorkloadSpec } from "./driver";
import { runsProgram, signalGroup, stopGroup, watchedExit } from "./process-groups";
import { tailLines } from "./tail";

/** An init container or side-car of an instance, resolved to its program. */
export interface CompanionProgram {
  name: string;
  /** The file it runs (resolved inside the component directory). */
  program: string;
  args: string[];
}

/**
 * How the process driver starts one companion: `node <program> <args>` as the instance's user,
 * with its limits and the orphan guard, in a session of its own, its output in its log file.
 */
export type SpawnCompanion = (
  c: CompanionProgram,
  companion: TInstanceInitContainer | TInstanceSidecar,
) => ChildProcess;

/** A side-car as an instance's record keeps it (a restarted agent adopts it with the instance). */
export interface SidecarRecord {
  name: string;
  pid: number;
  entry: string;
}

export interface RunningSidecar extends SidecarRecord {
  exited: Promise<{ code: number | null; signal: string | null }>;
}

/** `<workload>.<companion>`: the log file name of a companion (beside `<workload>.log`). */
export const companionLogName = (workload: string, companion: string) => `${workload}.${companion}`;

/** The programs of a spec's companions; `resolve` refuses an entry outside the component directory. */
export function companionPrograms(
  spec: Pick<WorkloadSpec, "initContainers" | "sidecars">,
  resolve: (entry: string, field: string) => string,
): { inits: CompanionProgram[]; sidecars: CompanionProgram[] } {
  const of = (list: "initContainers" | "sidecars") =>
    (spec[list] ?? []).map((c, i) => {
      if (!c.entry)
        throw new Error(
          `runtime.${list}[${i}] (${c.name}) has only a containerImage, and the process driver runs no containers: give it an entry`,
        );
      return { name: c.name, program: resolve(c.entry, `runtime.${list}[${i}].entry`), args: c.args ?? [] };
    });
  return { inits: of("initContainers"), sidecars: of("sidecars") };
}

/**
 * Runs the instance's init containers one after the other; the first that does not exit 0 (or
 * outlives its timeout) fails the instance's start, naming it, with how it ended and its last lines.
 */
export async function runInitContainers(
  workload: string,
  inits: TInstanceInitContainer[],
  programs: CompanionProgram[],
  spawnOne: SpawnCompanion,
  logFile: (name: string) => string,
): Promise<void> {
  for (const [i, init] of inits.entries()) {
    const program = programs[i] as CompanionProgram;
    const child = spawnOne(program, init);
    const timeoutMs = (init.timeoutSeconds ?? DEFAULT_INIT_TIMEOUT_SECONDS) * 1000;
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      signalGroup(child.pid ?? 0, "SIGKILL");
    }, timeoutMs);
    const { code, signal } = await new Promise<{ code: number | null; signal: string | null }>((r) => {
      child.once("error", () => r({ code: null, signal: null }));
      child.once("exit", (c, s) => r({ code: c, signal: s }));
    });
    clearTimeout(timer);
    signalGroup(child.pid ?? 0, "SIGKILL"); // whatever it left running goes too
    if (code === 0 && !timedOut) continue;
    const how = timedOut ? `did not finish within ${timeoutMs / 1000} s` : `exited (${code ?? signal})`;
    const tail = tailLines(logFile(companionLogName(workload, init.name)), 5).join(" | ");
    throw new Error(`${workload}: init container ${init.name} ${how}${tail ? `: ${tail}` : ""}`);
  }
}

/** Starts the instance's side-cars (each in a session of its own); one that cannot start takes the rest down. */
export function startSidecars(
  sidecars: TInstanceSidecar[],
  programs: CompanionProgram[],
  spawnOne: SpawnCompanion,
): RunningSidecar[] {
  const started: RunningSidecar[] = [];
  for (const [i, s] of sidecars.entries()) {
    const program = programs[i] as CompanionProgram;
    const child = spawnOne(program, s);
    if (child.pid === undefined) {
      for (const r of started) signalGroup(r.pid, "SIGKILL");
      throw new Error(`could not start the side-car ${s.name}`);
    }
    const exited = new Promise<{ code: number | null; signal: string | null }>((r) => {
      child.once("error", () => r({ code: null, signal: null }));
      child.once("exit", (code, signal) => r({ code, signal }));
    });
    child.unref();
    started.push({ name: s.name, pid: child.pid, entry: program.program, exited });
  }
  return started;
}

/** Resolves once every side-car port accepts connections (at `host`). */
export async function sidecarsListening(ports: SidecarPort[], host: string): Promise<void> {
  await Promise.all(ports.map((p) => waitForPort(p.port, 60_000, host)));
}

/** The side-cars of an adopted instance's record, or null when one of them no longer runs. */
export function adoptSidecars(records: SidecarRecord[] | undefined): RunningSidecar[] | null {
  const running = (records ?? []).filter((r) => runsProgram(r.pid, r.entry));
  if (running.length < (records ?? []).length) {
    for (const r of running) signalGroup(r.pid, "SIGKILL");
    return null;
  }
  return running.map((r) => ({ ...r, exited: watchedExit(r.pid, r.entry) }));
}

/**
 * The instance with its side-cars, as one workload of one lifetime: when any of them ends, the
 * rest are stopped and `exited` says which ended (a side-car's name), so the agent starts the
 * instance again with all of them; `stop` stops the side-cars, then the instance.
 */
export function withSidecars(main: Workload, sidecars: RunningSidecar[]): Workload {
  if (sidecars.length === 0) return main;
  const stopSidecars = () => Promise.all(sidecars.map((s) => stopGroup(s.pid, s.exited)));
  const first = Promise.race<WorkloadExit>([
    main.exited,
    ...sidecars.map((s) => s.exited.then((x) => ({ ...x, sidecar: s.name }))),
  ]);
  const exited = first.then(async (how) => {
    await stopSidecars();
    if (main.pid !== null) await stopGroup(main.pid, main.exited);
    return how;
  });
  return {
    ...main,
    exited,
    async stop() {
      await stopSidecars();
      await main.stop();
    },
  };
}

/** The last lines of a workload's log, or of one of its companions' (`container`, by name). */
export function workloadLogs(
  logFile: (name: string) => string,
  workload: string,
  limit: number,
  container?: string,
): string[] {
  if (container === undefined) return tailLines(logFile(workload), limit);
  if (!COMPANION_NAME_RE.test(container)) return [];
  return tailLines(logFile(companionLogName(workload, container)), limit);
}
