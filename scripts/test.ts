/**
 * `npm test`: unit and integration tests (vitest), then the console's end-to-end tests (Playwright
 * in Debian Chromium), closing with one line `N passed, N failed` over all of them (a skipped count,
 * if any, on the line before).
 * `npm test -- unit|integration|e2e` runs one layer.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync } from "node:fs";
import { join, resolve } from "node:path";

const root = resolve(import.meta.dirname, "..");
const out = join(root, ".test-output");
mkdirSync(out, { recursive: true });
const layers = process.argv.slice(2).filter((a) => !a.startsWith("-"));
const wants = (layer: string) => layers.length === 0 || layers.includes(layer);
const env = { ...process.env, NEXT_TELEMETRY_DISABLED: "1", FORCE_COLOR: process.stdout.isTTY ? "1" : "0" };

interface Tally {
  passed: number;
  failed: number;
  skipped: number;
}
const total: Tally = { passed: 0, failed: 0, skipped: 0 };

function run(name: string, args: string[], report: string, read: (json: unknown) => Tally) {
  rmSync(report, { force: true });
  process.stdout.write(`\n=== ${name} ===\n`);
  const result = spawnSync(process.execPath, args, { cwd: root, env, stdio: "inherit" });
  const tally = existsSync(report) ? read(JSON.parse(readFileSync(report, "utf8"))) : null;
  if (!tally) {
    process.stdout.write(`${name}: the runner reported nothing (exit ${result.status ?? result.signal})\n`);
    total.failed++;
    return;
  }
  if (result.status !== 0 && tally.failed === 0) tally.failed = 1; // crashed outside any test
  total.passed += tally.passed;
  total.failed += tally.failed;
  total.skipped += tally.skipped;
}

const vitest = join(root, "node_modules/vitest/vitest.mjs");
const vitestReport = (json: unknown): Tally => {
  const r = json as {
    numPassedTests: number;
    numFailedTests: number;
    numPendingTests: number;
    numTodoTests: number;
  };
  return { passed: r.numPassedTests, failed: r.numFailedTests, skipped: r.numPendingTests + r.numTodoTests };
};
for (const project of ["unit", "integration"]) {
  if (!wants(project)) continue;
  const report = join(out, `vitest-${project}.json`);
  run(
    `${project} tests`,
    [
      vitest,
      "run",
      "--project",
      project,
      "--reporter=default",
      "--reporter=json",
      `--outputFile.json=${report}`,
    ],
    report,
    vitestReport,
  );
}

if (wants("e2e")) {
  const playwrightReport = (json: unknown): Tally => {
    const s = (json as { stats: { expected: number; unexpected: number; flaky: number; skipped: number } })
      .stats;
    return { passed: s.expected, failed: s.unexpected + s.flaky, skipped: s.skipped };
  };
  const playwright = join(root, "node_modules/@playwright/test/cli.js");
  // The console in open mode, then in token mode (sign-in, a viewer's session): one product at a time.
  run("end-to-end tests", [playwright, "test"], join(out, "playwright.json"), playwrightReport);
  run(
    "end-to-end tests, token mode",
    [playwright, "test", "-c", "playwright.auth.config.ts"],
    join(out, "playwright-auth.json"),
    playwrightReport,
  );
}

// The last line is exactly `N passed, N failed`, for whatever reads it; skips go on the line before.
process.stdout.write("\n");
if (total.skipped > 0) process.stdout.write(`${total.skipped} skipped\n`);
process.stdout.write(`${total.passed} passed, ${total.failed} failed\n`);
process.exit(total.failed > 0 || total.passed === 0 ? 1 : 0);
