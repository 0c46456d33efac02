/**
 * `npm run bench [-- SCENARIO ...] [-- --json]`: runs the scenarios, each against a baseline
 * measured in the same run, and prints a table (or one JSON object per line with --json). Exit
 * code: 0 when every scenario ran and left nothing running, 1 when one could not (see run.ts).
 * A scenario is registered by adding it to SCENARIOS.
 */
import type { Scenario } from "./measure";
import { exitCodeOf, jsonLine, runScenarios, table } from "./run";
import { apiTrpcQuery } from "./scenarios/api-trpc-query";
import { cliStart } from "./scenarios/cli-start";
import { dataplaneBlock } from "./scenarios/dataplane-block";
import { dispatchScenarios } from "./scenarios/dispatch";
import { executorOverhead } from "./scenarios/executor-overhead";
import { executorOverheadPolicy } from "./scenarios/executor-overhead-policy";
import { peersScenarios } from "./scenarios/peers";
import { placementScenarios } from "./scenarios/placement";
import { policyScenarios } from "./scenarios/policy-lb";
import { registryListBlocks } from "./scenarios/registry-list";
import { runtimeStartScenarios } from "./scenarios/runtime-start";
import { vdagEditor } from "./scenarios/vdag-editor";
import { vdagScenarios } from "./scenarios/vdag-hops";
import { vdagTracingScenario } from "./scenarios/vdag-tracing";

export const SCENARIOS: Scenario[] = [
  apiTrpcQuery,
  ...policyScenarios,
  executorOverhead,
  executorOverheadPolicy,
  dataplaneBlock,
  ...vdagScenarios,
  vdagTracingScenario,
  vdagEditor,
  cliStart,
  ...runtimeStartScenarios,
  ...placementScenarios,
  ...dispatchScenarios,
  registryListBlocks,
  ...peersScenarios,
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

const outcomes = await runScenarios(
  SCENARIOS.filter((s) => wanted.length === 0 || wanted.includes(s.name)),
  {
    starting: (s) => {
      if (!json) process.stderr.write(`running ${s.name}: ${s.description}\n`);
    },
    finished: (o) => {
      if (json) process.stdout.write(`${JSON.stringify(jsonLine(o))}\n`);
      else if (o.reason) process.stderr.write(`  ${o.scenario}: ${o.reason}\n`);
    },
  },
);
if (!json) process.stdout.write(`${table(outcomes)}\n`);
process.exit(exitCodeOf(outcomes));
