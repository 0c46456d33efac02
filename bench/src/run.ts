import { descendantsOf, describeProcess, type ProcessInfo, stopProcesses } from "@aios/service-kit";
import type { Scenario, ScenarioResult } from "./measure";

/**
 * One scenario's line of the report. `ran`: it measured its figures. `met`: it ran, met its target
 * and left nothing running. `reason`: why it could not run, or what went wrong beside the figures.
 */
export type Outcome =
  | (ScenarioResult & { ran: true; reason?: string })
  | { scenario: string; ran: false; met: false; reason: string };

export interface RunOptions {
  /** How long processes a scenario started get to exit after it settled, before they count as left running. */
  exitGraceMs?: number;
}

const messageOf = (err: unknown) => (err instanceof Error ? err.message : String(err));

/**
 * The esbuild service that tsx and `compilePolicy` share lives as long as the bench process: not
 * something a scenario left behind.
 */
const isSharedHelper = (p: ProcessInfo) =>
  p.argv.some((a) => a.startsWith("--service=")) && /esbuild$/.test(p.argv[0] ?? "");

/**
 * Runs one scenario so that nothing it does stops the bench: a prerequisite it lacks or an error
 * it throws becomes an outcome with `ran: false` and the reason. Processes it started that are
 * still running once it settled (after `exitGraceMs`) are stopped and named in `reason`.
 */
export async function runScenario(scenario: Scenario, opts: RunOptions = {}): Promise<Outcome> {
  const notRun = (reason: string): Outcome => ({ scenario: scenario.name, ran: false, met: false, reason });
  let missing: string | undefined;
  try {
    missing = scenario.prerequisite?.();
  } catch (err) {
    missing = messageOf(err);
  }
  if (missing) return notRun(`cannot run: ${missing}`);

  const before = new Set(descendantsOf(process.pid).map((p) => p.pid));
  const problems: string[] = [];
  let result: ScenarioResult | undefined;
  let failure: string | undefined;
  try {
    result = await scenario.run({ problem: (reason) => problems.push(reason) });
  } catch (err) {
    failure = `failed: ${messageOf(err)}`;
  }
  const left = await leftBehind(before, opts.exitGraceMs ?? 3_000);
  if (left.length > 0) {
    await stopProcesses(left);
    problems.push(
      `left ${left.length} process(es) running, stopped by the bench: ${left.map(describeProcess).join(", ")}`,
    );
  }
  if (!result) return notRun([failure ?? "failed", ...problems].join("; "));
  if (problems.length > 0) return { ...result, ran: true, met: false, reason: problems.join("; ") };
  return { ...result, ran: true };
}

/** The bench's descendants that were not there before the scenario and do not exit within `graceMs`. */
async function leftBehind(before: Set<number>, graceMs: number): Promise<ProcessInfo[]> {
  const deadline = Date.now() + graceMs;
  for (;;) {
    const fresh = descendantsOf(process.pid).filter((p) => !before.has(p.pid) && !isSharedHelper(p));
    if (fresh.length === 0 || Date.now() > deadline) return fresh;
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Runs the scenarios one after the other, each whatever happened to the ones before. */
export async function runScenarios(
  scenarios: Scenario[],
  hooks: { starting?(s: Scenario): void; finished?(o: Outcome): void } = {},
  opts: RunOptions = {},
): Promise<Outcome[]> {
  const outcomes: Outcome[] = [];
  for (const scenario of scenarios) {
    hooks.starting?.(scenario);
    const outcome = await runScenario(scenario, opts);
    outcomes.push(outcome);
    hooks.finished?.(outcome);
  }
  return outcomes;
}

/**
 * 0 when every scenario ran and left nothing running (whether each met its target is in `met`);
 * 1 when any could not run, failed, or left processes running.
 */
export const exitCodeOf = (outcomes: Outcome[]): 0 | 1 =>
  outcomes.some((o) => o.reason !== undefined) ? 1 : 0;

/** One line of `--json`: the measured figures at the top, beside the baseline's. */
export function jsonLine(o: Outcome) {
  if (!o.ran) return o;
  const { scenario, measured, baseline, ratio, target, met, reason } = o;
  return { scenario, ran: true, ...measured, baseline, ratio, target, met, ...(reason ? { reason } : {}) };
}

export function table(rows: Outcome[]): string {
  const withReason = rows.some((r) => r.reason !== undefined);
  const head = [
    "scenario",
    "p50 ms",
    "p99 ms",
    "per s",
    "baseline p50",
    "baseline p99",
    "ratio",
    "target",
    "met",
    ...(withReason ? ["reason"] : []),
  ];
  const body = rows.map((r) => [
    r.scenario,
    ...(r.ran
      ? [
          String(r.measured.p50_ms),
          String(r.measured.p99_ms),
          String(r.measured.per_s),
          String(r.baseline.p50_ms),
          String(r.baseline.p99_ms),
          `${r.ratio}x`,
          r.target,
        ]
      : ["-", "-", "-", "-", "-", "-", "-"]),
    r.met ? "yes" : "NO",
    ...(withReason ? [r.reason ?? ""] : []),
  ]);
  // The last column is not padded (a reason can be long), so its rule is as wide as its heading.
  const last = head.length - 1;
  const widths = head.map((h, i) =>
    i === last ? h.length : Math.max(h.length, ...body.map((b) => b[i]?.length ?? 0)),
  );
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i === last ? c : c.padEnd(widths[i] ?? 0)))
      .join("  ")
      .trimEnd();
  return [line(head), line(widths.map((w) => "-".repeat(w))), ...body.map(line)].join("\n");
}
