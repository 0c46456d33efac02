import { spawnSync } from "node:child_process";

/**
 * `promtool check metrics` (Debian's `prometheus` package, which `.ci/run` installs) for the tests
 * of every `/metrics` endpoint: the text exposition must parse and pass Prometheus's lint (one
 * HELP/TYPE per family, `_total` counters, base units).
 */
export function promtoolPath(): string | undefined {
  const found = spawnSync("sh", ["-c", "command -v promtool"], { encoding: "utf8" });
  return found.status === 0 ? found.stdout.trim() || undefined : undefined;
}

/**
 * Why a promtool test is skipped, or undefined when it runs. In CI (`CI` set) it never skips: a
 * missing promtool fails the test there.
 */
export function promtoolSkipReason(): string | undefined {
  if (promtoolPath() || process.env.CI) return undefined;
  return "promtool is not installed (apt-get install prometheus); CI installs it and runs this test";
}

/** Runs `promtool check metrics` over `text` on stdin: its exit code and what it printed. */
export function checkMetrics(text: string): { code: number | null; output: string } {
  const run = spawnSync(promtoolPath() ?? "promtool", ["check", "metrics"], {
    input: text,
    encoding: "utf8",
    timeout: 30_000,
  });
  if (run.error) return { code: null, output: String(run.error) };
  return { code: run.status, output: `${run.stdout}${run.stderr}` };
}
