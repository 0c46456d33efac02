/**
 * `npm run bench [-- SCENARIO ...] [-- --json]`: runs the scenarios, each against a baseline
 * measured in the same run, and prints a table (or one JSON object per line with --json).
 */
import type { Scenario, ScenarioResult } from "./measure";
import { apiTrpcQuery } from "./scenarios/api-trpc-query";
import { executorOverhead } from "./scenarios/executor-overhead";
import { policyScenarios } from "./scenarios/policy-lb";
import { vdagEditor } from "./scenarios/vdag-editor";
import { vdagScenarios } from "./scenarios/vdag-hops";

export const SCENARIOS: Scenario[] = [
  apiTrpcQuery,
  ...policyScenarios,
  executorOverhead,
  ...vdagScenarios,
  vdagEditor,
];

const args = process.argv.slice(2);
const json = args.includes("--json");
const wanted = args.filter((a) => !a.startsWith("--"));
const unknown = wanted.filter((w) => !SCENARIOS.some((s) => s.name === w));
if (unknown.length > 0) {
  process.stderr.write(
    `unknown scenario ${unknown.join(", ")}; one of: ${SCENARIOS.map((s) => s.name).join(", ")}\n`,
  );
  process.exit(2);
}

const results: ScenarioResult[] = [];
for (const scenario of SCENARIOS.filter((s) => wanted.length === 0 || wanted.includes(s.name))) {
  if (!json) process.stderr.write(`running ${scenario.name}: ${scenario.description}\n`);
  const result = await scenario.run();
  results.push(result);
  if (json) process.stdout.write(`${JSON.stringify(jsonLine(result))}\n`);
}
if (!json) process.stdout.write(`${table(results)}\n`);
process.exit(0);

/** One line of `--json`: the measured figures at the top, beside the baseline's. */
function jsonLine({ scenario, measured, baseline, ratio, target, met }: ScenarioResult) {
  return { scenario, ...measured, baseline, ratio, target, met };
}

function table(rows: ScenarioResult[]): string {
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
  ];
  const body = rows.map((r) => [
    r.scenario,
    String(r.measured.p50_ms),
    String(r.measured.p99_ms),
    String(r.measured.per_s),
    String(r.baseline.p50_ms),
    String(r.baseline.p99_ms),
    `${r.ratio}x`,
    r.target,
    r.met ? "yes" : "NO",
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]?.length ?? 0)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join("  ");
  return [line(head), line(widths.map((w) => "-".repeat(w))), ...body.map(line)].join("\n");
}
