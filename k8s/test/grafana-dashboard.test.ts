import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { promtoolPath, promtoolSkipReason } from "../../scripts/promtool";

const root = resolve(import.meta.dirname, "../..");
const dashboard = JSON.parse(readFileSync(join(root, "k8s/grafana/aios-dashboard.json"), "utf8")) as {
  panels: Array<{ type: string; title: string; targets?: Array<{ expr: string }> }>;
  templating: { list: Array<{ name: string; query?: unknown }> };
};

/** Where the metrics are defined: the runtimes', the API's and the agent's registries. */
const DEFINITIONS = [
  "packages/block-runtime/src/executor/metrics.ts",
  "packages/instance-sdk/src/metrics.ts",
  "packages/vdag-runtime/src/metrics.ts",
  "apps/api/src/metrics.ts",
  "apps/agents/src/metrics/agent-metrics.ts",
];
const defined = new Set(
  DEFINITIONS.flatMap((f) =>
    [...readFileSync(join(root, f), "utf8").matchAll(/"(aios_[a-z0-9_]+)"/g)].map((m) => m[1]),
  ),
);
const exprs = dashboard.panels.flatMap((p) =>
  (p.targets ?? []).map((t) => ({ panel: p.title, expr: t.expr })),
);
const queries = dashboard.templating.list.flatMap((v) => (typeof v.query === "string" ? [v.query] : []));

/** The metric names a PromQL expression selects (a histogram's series named for their family). */
function metricsOf(expr: string): string[] {
  const names = [...expr.matchAll(/\b([a-zA-Z_:][a-zA-Z0-9_:]*)\s*(?=\{|\[)/g)].map((m) => m[1] as string);
  const bare = [...expr.matchAll(/\b(aios_[a-z0-9_]+)\b/g)].map((m) => m[1] as string);
  return [...new Set([...names, ...bare])].map((n) =>
    defined.has(n) ? n : n.replace(/_(bucket|sum|count)$/, ""),
  );
}

describe("the Grafana dashboard (k8s/grafana/aios-dashboard.json)", () => {
  it("has the panels the issue asks for", () => {
    const titles = dashboard.panels.map((p) => p.title).join("\n");
    for (const t of [
      /request rate/i,
      /error rate/i,
      /p50 \/ p99/i,
      /instances by state/i,
      /queue depths/i,
      /policy evaluation p99 by kind/i,
    ])
      expect(titles).toMatch(t);
    expect(exprs.length).toBeGreaterThan(10);
  });

  it("names only metrics the code defines", () => {
    expect(defined.size).toBeGreaterThan(15);
    const unknown = [...exprs, ...queries.map((expr) => ({ panel: "variable", expr }))].flatMap(
      ({ panel, expr }) =>
        metricsOf(expr)
          .filter((n) => !defined.has(n))
          .map((n) => `${panel}: ${n}`),
    );
    expect(unknown).toEqual([]);
    // Histograms are read through their buckets.
    for (const { expr } of exprs.filter((e) => e.expr.includes("histogram_quantile")))
      expect(expr).toMatch(/_seconds_bucket[{[]/);
  });

  const skip = promtoolSkipReason();
  it.skipIf(skip)(`is valid PromQL (promtool check rules)${skip ? ` (skipped: ${skip})` : ""}`, () => {
    const concrete = (e: string) =>
      e.replace(/\$__rate_interval/g, "5m").replace(/\$(cluster|block|vdag)\b/g, ".*");
    const rules = {
      groups: [
        {
          name: "dashboard",
          rules: exprs.map((e, i) => ({ record: `aios:dashboard_expr_${i}`, expr: concrete(e.expr) })),
        },
      ],
    };
    const file = join(mkdtempSync(join(tmpdir(), "aios-dashboard-")), "rules.json");
    writeFileSync(file, JSON.stringify(rules)); // JSON is YAML
    const run = spawnSync(promtoolPath() ?? "promtool", ["check", "rules", file], { encoding: "utf8" });
    expect(run.status, `${run.stdout}${run.stderr}`).toBe(0);
  });
});
