import { Pool } from "undici";
import { type Figures, figuresOf, round } from "../measure";
import { CpuLedger } from "./peers-cpu";

/** One system's endpoint as a client calls it. */
export interface Side {
  /** `aios /v1`, `ray serve`, `kserve oip`, ... */
  name: string;
  /** Whose processes its CPU is (a role's prefix in peers-cpu.ts): `aios`, `ray`, `kserve`. */
  system: "aios" | "ray" | "kserve";
  url: string;
  headers: Record<string, string>;
  /** A request's body (made per request, as a client makes it). */
  body(): string;
  /** Throws when an answer is not the echo it should be (checked once, before the figures). */
  check(answer: string): void;
}

export interface SideFigures extends Figures {
  /** CPU ms a request cost, by role, over this side's measured requests. */
  /** `own`: the system's processes; `sys`: of that, in the kernel (system time); `client`: the bench's. */
  cpu: { own: number; sys: number; client: number; roles: Record<string, number> };
}

interface Open {
  side: Side;
  pool: Pool;
  path: string;
  cpu: CpuLedger;
  samples: Float64Array;
  filled: number;
  elapsed: number;
}

/** `n` requests with `concurrency` callers at once: each request's time (ms) and the elapsed time. */
async function load(o: Open, n: number, concurrency: number) {
  const samples = new Float64Array(n);
  let next = 0;
  const failures: string[] = [];
  const caller = async () => {
    for (let i = next++; i < n; i = next++) {
      const s = performance.now();
      const res = await o.pool.request({
        path: o.path,
        method: "POST",
        headers: o.side.headers,
        body: o.side.body(),
      });
      const text = await res.body.text();
      samples[i] = performance.now() - s;
      if (res.statusCode !== 200 && failures.length < 3)
        failures.push(`HTTP ${res.statusCode} ${text.slice(0, 200)}`);
    }
  };
  const t0 = performance.now();
  await Promise.all(Array.from({ length: concurrency }, caller));
  const elapsed = performance.now() - t0;
  if (failures.length > 0) throw new Error(`${o.side.name}: ${failures.join("; ")}`);
  return { samples, elapsed };
}

export interface LoadPlan {
  n: number;
  warmup: number;
  concurrency: number;
  /** Each side's `n` requests are sent in this many turns, the sides alternating: a noisy moment lands on all. */
  turns: number;
  /** Processes outside the bench's descendants whose CPU is booked too (AIOS's PostgreSQL). */
  watch?: number[];
}

/**
 * Every side warmed up, then measured in alternating turns (keep-alive undici pools, one connection
 * per caller); each side's figures over all its turns, with the CPU its requests cost by role. A
 * peer's side whose first answer is not the echo, or that fails while warming up, is left out of
 * the turns and answered with its error; an AIOS side's failure throws.
 */
export async function inTurns(
  sides: Side[],
  plan: LoadPlan,
): Promise<Array<SideFigures | { error: string }>> {
  const open: Open[] = sides.map((side) => {
    const url = new URL(side.url);
    return {
      side,
      pool: new Pool(url.origin, { connections: plan.concurrency }),
      path: `${url.pathname}${url.search}`,
      cpu: new CpuLedger(plan.watch),
      samples: new Float64Array(plan.n),
      filled: 0,
      elapsed: 0,
    };
  });
  const failed = new Map<Open, string>();
  try {
    for (const o of open) {
      try {
        const res = await o.pool.request({
          path: o.path,
          method: "POST",
          headers: o.side.headers,
          body: o.side.body(),
        });
        const text = await res.body.text();
        if (res.statusCode !== 200)
          throw new Error(`${o.side.name}: HTTP ${res.statusCode} ${text.slice(0, 300)}`);
        o.side.check(text);
        await load(o, plan.warmup, plan.concurrency);
      } catch (e) {
        if (o.side.system === "aios") throw e;
        failed.set(o, (e as Error).message);
      }
    }
    const per = Math.ceil(plan.n / plan.turns);
    for (let t = 0; t < plan.turns; t++) {
      for (const o of open.filter((x) => !failed.has(x))) {
        const n = Math.min(per, plan.n - o.filled);
        if (n <= 0) continue;
        const turn = await o.cpu.measure(n, () => load(o, n, plan.concurrency));
        o.samples.set(turn.samples, o.filled);
        o.filled += n;
        o.elapsed += turn.elapsed;
      }
    }
    return open.map((o) => {
      const error = failed.get(o);
      if (error !== undefined) return { error };
      const { roles } = o.cpu.perRequest();
      const mine = (role: string) =>
        role.startsWith(o.side.system) || (o.side.system === "aios" && role === "postgres");
      const own = Object.fromEntries(Object.entries(roles).filter(([role]) => mine(role)));
      return {
        ...figuresOf(o.samples, o.elapsed),
        cpu: {
          own: round(Object.values(own).reduce((s, ms) => s + ms, 0)),
          sys: o.cpu.sysPerRequest(mine),
          client: roles["bench (client)"] ?? 0,
          roles: own,
        },
      };
    });
  } finally {
    for (const o of open) await o.pool.close().catch(() => undefined);
  }
}

/** The message every system echoes: the same bytes in, in each protocol's shape. */
export const MESSAGE = "hello from the bench";

/** Throws unless the answer carries the message back and the echo's stamp. */
export function echoed(answer: string): void {
  if (!answer.includes(MESSAGE) || !answer.includes("echoedAt"))
    throw new Error(`not an echo of "${MESSAGE}": ${answer.slice(0, 300)}`);
}

/** What every watched process spends with nothing asked of it, in CPU ms per second, over `ms`. */
export async function idleCpu(watch: number[] = [], ms = 3_000): Promise<Record<string, number>> {
  const ledger = new CpuLedger(watch);
  await ledger.measure(0, () => new Promise((r) => setTimeout(r, ms)));
  return ledger.perSecond();
}
