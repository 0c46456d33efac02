/**
 * `npm test`: unit, integration and grid tests (vitest), then the console's end-to-end tests (Playwright
 * in Debian Chromium), closing with one line `N passed, N failed` over all of them (a skipped count,
 * if any, on the line before). When anything failed, the failures are told again just before that
 * line (each failed test, and errors raised outside any test), so that the end of a long log names them.
 * `npm test -- unit|integration|grid|e2e` runs one layer (grid: the multi-host grid's tests, hosts
 * of network namespaces on this machine, as root).
 */
import { spawn } from "node:child_process";
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
/** What failed, told again at the end: each layer's failed tests and errors outside any test. */
const digest: string[] = [];

/** Runs a runner, passing its output through and keeping it for the digest. */
function runner(args: string[]): Promise<{ status: number | null; output: string }> {
  return new Promise((done) => {
    const child = spawn(process.execPath, args, { cwd: root, env, stdio: ["inherit", "pipe", "pipe"] });
    const chunks: string[] = [];
    child.stdout.on("data", (b: Buffer) => {
      process.stdout.write(b);
      chunks.push(b.toString());
    });
    child.stderr.on("data", (b: Buffer) => {
      process.stderr.write(b);
      chunks.push(b.toString());
    });
    child.on("close", (status) => done({ status, output: chunks.join("") }));
  });
}

async function run(
  name: string,
  args: string[],
  report: string,
  read: (json: unknown) => Tally,
  failures: (json: unknown, output: string) => string[],
) {
  rmSync(report, { force: true });
  process.stdout.write(`\n=== ${name} ===\n`);
  const result = await runner(args);
  const json = existsSync(report) ? JSON.parse(readFileSync(report, "utf8")) : null;
  const tally = json ? read(json) : null;
  if (!tally) {
    process.stdout.write(`${name}: the runner reported nothing (exit ${result.status})\n`);
    digest.push(`${name}: the runner reported nothing (exit ${result.status})`);
    total.failed++;
    return;
  }
  if (result.status !== 0 && tally.failed === 0) tally.failed = 1; // crashed outside any test
  total.passed += tally.passed;
  total.failed += tally.failed;
  total.skipped += tally.skipped;
  if (result.status !== 0) {
    const told = failures(json, stripAnsi(result.output));
    // No test failed, yet the runner did: its own last lines say why (a teardown, a hanging process).
    const tail = () => [
      "  (no failed test named; the runner's last lines:)",
      ...lastLines(stripAnsi(result.output), 30),
    ];
    digest.push(`${name} (exit ${result.status}):`, ...(told.length ? told : tail()));
  }
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: the escape that starts a terminal colour
const stripAnsi = (text: string) => text.replace(/\u001b\[[0-9;]*m/g, "");
const firstLines = (text: string, n: number) =>
  text
    .split("\n")
    .slice(0, n)
    .map((l) => `      ${l}`);

const lastLines = (text: string, n: number) =>
  text
    .trimEnd()
    .split("\n")
    .slice(-n)
    .map((l) => `      ${l}`);

/** Vitest's own section of errors raised outside any test, as it printed it (at most 40 lines). */
function unhandledErrors(output: string): string[] {
  const at = output.indexOf("Unhandled Error");
  if (at < 0) return [];
  const end = output.indexOf("Test Files", at);
  return firstLines(output.slice(at, end < 0 ? undefined : end).trim(), 40);
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
const vitestFailures = (json: unknown, output: string): string[] => {
  const r = json as {
    testResults: {
      name: string;
      message?: string;
      assertionResults: { fullName: string; status: string; failureMessages: string[] }[];
    }[];
  };
  const told: string[] = [];
  for (const file of r.testResults) {
    const where = file.name.startsWith(root) ? file.name.slice(root.length + 1) : file.name;
    if (file.message) told.push(`  FAIL ${where}`, ...firstLines(stripAnsi(file.message), 8));
    for (const t of file.assertionResults.filter((a) => a.status === "failed"))
      told.push(`  FAIL ${where} > ${t.fullName}`, ...firstLines(stripAnsi(t.failureMessages[0] ?? ""), 8));
  }
  return [...told, ...unhandledErrors(output)];
};
// The Kubernetes tests (unit: kustomize renders k8s/; integration: a real control plane) need the
// test peer, built once from pinned Go modules (testpeers/kubernetes/README.md); a no-op once built.
if (wants("unit") || wants("integration")) {
  process.stdout.write("\n=== the Kubernetes test peer ===\n");
  const built = await runner(["--import", "tsx", join(root, "scripts/kube-peer.ts"), "build"]);
  if (built.status !== 0)
    digest.push(`the Kubernetes test peer could not be built (exit ${built.status}): its tests fail`);
}

for (const project of ["unit", "integration", "grid"]) {
  if (!wants(project)) continue;
  const report = join(out, `vitest-${project}.json`);
  await run(
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
    vitestFailures,
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
  await run(
    "end-to-end tests",
    [playwright, "test"],
    join(out, "playwright.json"),
    playwrightReport,
    playwrightFailures,
  );
  await run(
    "end-to-end tests, token mode",
    [playwright, "test", "-c", "playwright.auth.config.ts"],
    join(out, "playwright-auth.json"),
    playwrightReport,
    playwrightFailures,
  );
}

interface PlaywrightSuite {
  title: string;
  suites?: PlaywrightSuite[];
  specs?: {
    title: string;
    file: string;
    line: number;
    tests: { status: string; results: { error?: { message?: string } }[] }[];
  }[];
}
function playwrightFailures(json: unknown): string[] {
  const r = json as { suites: PlaywrightSuite[]; errors: { message?: string }[] };
  const told: string[] = [];
  const walk = (suite: PlaywrightSuite) => {
    for (const spec of suite.specs ?? [])
      for (const t of spec.tests.filter((x) => x.status === "unexpected" || x.status === "flaky")) {
        const error = t.results.find((x) => x.error)?.error?.message ?? "";
        told.push(
          `  FAIL ${spec.file}:${spec.line} › ${spec.title} (${t.status})`,
          ...firstLines(stripAnsi(error), 8),
        );
      }
    for (const inner of suite.suites ?? []) walk(inner);
  };
  for (const suite of r.suites) walk(suite);
  for (const e of r.errors) told.push(...firstLines(stripAnsi(e.message ?? ""), 8));
  return told;
}

// The last line is exactly `N passed, N failed`, for whatever reads it; skips go on the line before.
process.stdout.write("\n");
if (digest.length > 0) process.stdout.write(`=== what failed ===\n${digest.join("\n")}\n\n`);
if (total.skipped > 0) process.stdout.write(`${total.skipped} skipped\n`);
process.stdout.write(`${total.passed} passed, ${total.failed} failed\n`);
process.exit(total.failed > 0 || total.passed === 0 ? 1 : 0);
