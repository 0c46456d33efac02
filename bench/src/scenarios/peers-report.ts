import { type Figures, round, type ScenarioContext, type ScenarioResult } from "../measure";
import type { SideFigures } from "./peers-load";
import type { PeerName } from "./peers-serving";

/** How the `peers.*` scenarios compare AIOS with each peer and report it (peers.ts runs them). */

export interface Comparison {
  peer: PeerName;
  /** The AIOS side and the peer's side compared. */
  aios: string;
  against: string;
  /** AIOS p50 / the peer's p50 (below 1: AIOS is ahead). */
  latency_ratio: number;
  /** AIOS requests/s / the peer's (above 1: AIOS is ahead). */
  throughput_ratio: number;
  met: boolean;
}

export type PeerReport =
  | {
      name: PeerName;
      ran: true;
      versions: Record<string, string>;
      buildSeconds: number;
      startSeconds: number;
    }
  | { name: PeerName; ran: false; reason: string };

export const TITLES: Record<PeerName, string> = { ray: "Ray Serve", kserve: "KServe" };
const versionsOf = (r: PeerReport & { ran: true }) => Object.values(r.versions)[0] ?? "";

export const compare = (
  peer: PeerName,
  aios: [string, Figures],
  against: [string, Figures],
  throughput?: [Figures, Figures],
): Comparison => {
  const [a, p] = throughput ?? [aios[1], against[1]];
  const latency = round(aios[1].p50_ms / against[1].p50_ms);
  const rate = round(a.per_s / p.per_s);
  return {
    peer,
    aios: aios[0],
    against: against[0],
    latency_ratio: latency,
    throughput_ratio: rate,
    met: latency < 1 && rate > 1,
  };
};

export const line = (name: string, f: SideFigures) =>
  `  ${name.padEnd(22)} p50 ${f.p50_ms} ms, p99 ${f.p99_ms} ms, ${f.per_s}/s; CPU per request ${f.cpu.own} ms, ${f.cpu.sys} in the kernel ` +
  `(${Object.entries(f.cpu.roles)
    .map(([r, ms]) => `${r} ${ms}`)
    .join(", ")}), client ${f.cpu.client} ms\n`;

/**
 * The scenario's result: `measured` and `baseline` are the comparison AIOS is furthest from winning
 * (the largest of its latency ratio and inverse throughput ratio), every side and comparison beside them.
 */
export function resultOf(
  scenario: string,
  ctx: ScenarioContext,
  figures: Record<string, SideFigures>,
  comparisons: Comparison[],
  reports: PeerReport[],
  fallback: string,
  extra: Record<string, unknown>,
): ScenarioResult {
  for (const r of reports) {
    if (!r.ran) ctx.problem(r.reason);
    process.stderr.write(
      r.ran
        ? `  ${TITLES[r.name]} ${versionsOf(r)}: started in ${r.startSeconds} s${r.buildSeconds > 0 ? `, its venv built in ${r.buildSeconds} s` : ""}\n`
        : `  ${r.reason}\n`,
    );
  }
  const load = extra.load as { before: number[]; after: number[] };
  process.stderr.write(
    `  load (1, 5, 15 min) before ${load.before.join(" ")}, after ${load.after.join(" ")}\n`,
  );
  for (const c of comparisons)
    process.stderr.write(
      `  ${c.aios} vs ${c.against}: latency ${c.latency_ratio}x, throughput ${c.throughput_ratio}x (${c.met ? "AIOS ahead" : "AIOS not ahead"})\n`,
    );
  const score = (c: Comparison) => Math.max(c.latency_ratio, 1 / c.throughput_ratio);
  const decisive = [...comparisons].sort((a, b) => score(b) - score(a))[0];
  const none = { p50_ms: Number.NaN, p99_ms: Number.NaN, per_s: Number.NaN, n: 0 };
  const strip = ({ cpu: _cpu, ...f }: SideFigures): Figures => f;
  const measured = strip(figures[decisive?.aios ?? fallback] as SideFigures);
  const peer = decisive && reports.find((r) => r.name === decisive.peer);
  const baseline = decisive
    ? {
        name: `${decisive.against} (${TITLES[decisive.peer]} ${peer?.ran ? versionsOf(peer) : ""}) vs ${decisive.aios}`,
        ...strip(figures[decisive.against] as SideFigures),
      }
    : { name: "no peer could run", ...none };
  return {
    scenario,
    measured,
    baseline,
    ratio: decisive ? decisive.latency_ratio : Number.NaN,
    target: "AIOS ahead of every peer: lower p50 (per hop) and higher throughput",
    met: reports.every((r) => r.ran) && comparisons.length > 0 && comparisons.every((c) => c.met),
    sides: figures,
    comparisons,
    peers: reports,
    ...extra,
  } as ScenarioResult;
}
