import { readFileSync } from "node:fs";
import { descendantsOf, listProcesses, type ProcessInfo } from "@aios/service-kit";
import { round } from "../measure";

/**
 * Where a system's time goes on this 2-core machine: the CPU time each of the bench's descendant
 * processes (and the bench itself, the client) spent while a side's requests ran, by role, per
 * request. At 32 in flight every system is CPU-bound, so its throughput is 2 cores over the sum.
 */

/** Clock ticks a second (`getconf CLK_TCK`; 100 on Linux on x86-64). */
const TICKS_PER_S = 100;

/** The role of a process, from its command line; `undefined` for one the report leaves out. */
export function roleOf(p: ProcessInfo): string | undefined {
  const line = p.argv.join(" ");
  const rules: Array<[RegExp, string]> = [
    [/apps\/api\/src\/main\.ts/, "aios api"],
    [/apps\/agents\/src\/main\.ts/, "aios agent"],
    [/block-runtime/, "aios executor"],
    [/vdag-runtime/, "aios controller"],
    [/components\/echo/, "aios instance"],
    [/policy-runtime|sandbox/, "aios policy sandbox"],
    [/^postgres|\/postgres /, "postgres"],
    [/^ray::ProxyActor/, "ray proxy"],
    [/^ray::ServeReplica:[^:]*:(Chain|Echo)/, "ray ingress replica"],
    [/^ray::ServeReplica/, "ray step replicas"],
    [/^ray::ServeController/, "ray serve controller"],
    [/raylet|gcs_server/, "ray raylet+gcs"],
    [/^ray::|ray\/|ray_serve\.py/, "ray other"],
    [/kserve_echo\.py/, "kserve server"],
  ];
  for (const [re, role] of rules) if (re.test(line)) return role;
  return undefined;
}

/** User and kernel (system) CPU ticks of a process so far. */
function ticksOf(pid: number): { user: number; sys: number } {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    // utime and stime are fields 14 and 15 of /proc/PID/stat: 12 and 13 after the state field.
    return { user: Number(f[11]), sys: Number(f[12]) };
  } catch {
    return { user: 0, sys: 0 };
  }
}

/**
 * The PostgreSQL server listening on `port` (its postmaster, `postgres -D … -p <port>`): pg_ctl
 * starts it outside the bench's descendants, so its CPU is booked by its id.
 */
export function postgresOn(port: number): number | undefined {
  return listProcesses().find((p) => /\/postgres$/.test(p.argv[0] ?? "") && p.argv.includes(String(port)))
    ?.pid;
}

/** CPU ticks of each role right now (the bench's descendants, and `roots` with theirs), and the bench's own CPU time. */
function snapshot(roots: number[]) {
  const byPid = new Map<number, { role: string; ticks: { user: number; sys: number } }>();
  const all = listProcesses();
  const rooted = roots.flatMap((pid) => [...all.filter((p) => p.pid === pid), ...descendantsOf(pid, all)]);
  for (const p of [...descendantsOf(process.pid, all), ...rooted]) {
    const role = roleOf(p);
    if (role) byPid.set(p.pid, { role, ticks: ticksOf(p.pid) });
  }
  const u = process.cpuUsage();
  return { byPid, benchUs: u.user + u.system };
}

/** Sums CPU ms by role over the intervals `measure` is given, per request. */
export class CpuLedger {
  private readonly ms = new Map<string, number>();
  /** Of `ms`, what the kernel spent on the processes' behalf (system time), by role. */
  private readonly sysMs = new Map<string, number>();
  private requests = 0;
  private elapsedMs = 0;

  /** `roots`: processes outside the bench's descendants whose CPU counts too (with theirs). */
  constructor(private readonly roots: number[] = []) {}

  /** Runs `work` (which sends `n` requests) and books the CPU each role spent meanwhile. */
  async measure<T>(n: number, work: () => Promise<T>): Promise<T> {
    const before = snapshot(this.roots);
    const began = performance.now();
    const result = await work();
    this.elapsedMs += performance.now() - began;
    const after = snapshot(this.roots);
    for (const [pid, { role, ticks }] of after.byPid) {
      const was = before.byPid.get(pid)?.ticks ?? { user: 0, sys: 0 };
      const sys = ((ticks.sys - was.sys) * 1000) / TICKS_PER_S;
      this.ms.set(role, (this.ms.get(role) ?? 0) + ((ticks.user - was.user) * 1000) / TICKS_PER_S + sys);
      this.sysMs.set(role, (this.sysMs.get(role) ?? 0) + sys);
    }
    this.ms.set(
      "bench (client)",
      (this.ms.get("bench (client)") ?? 0) + (after.benchUs - before.benchUs) / 1000,
    );
    this.requests += n;
    return result;
  }

  /** CPU ms per second of the measured time by role (largest first): for an idle system, its background. */
  perSecond(): Record<string, number> {
    return Object.fromEntries(
      [...this.ms.entries()]
        .map(([role, ms]) => [role, round((ms * 1000) / Math.max(1, this.elapsedMs))] as const)
        .filter(([, ms]) => ms > 0)
        .sort((a, b) => b[1] - a[1]),
    );
  }

  /** Kernel CPU ms per request, summed over the roles `keep` accepts. */
  sysPerRequest(keep: (role: string) => boolean): number {
    const ms = [...this.sysMs.entries()].filter(([role]) => keep(role)).reduce((s, [, v]) => s + v, 0);
    return round(ms / Math.max(1, this.requests));
  }

  /** CPU ms per request by role (largest first), and their sum. */
  perRequest(): { total: number; roles: Record<string, number> } {
    const entries = [...this.ms.entries()]
      .map(([role, ms]) => [role, round(ms / Math.max(1, this.requests))] as const)
      .filter(([, ms]) => ms > 0)
      .sort((a, b) => b[1] - a[1]);
    return { total: round(entries.reduce((s, [, ms]) => s + ms, 0)), roles: Object.fromEntries(entries) };
  }
}
