import { type ChildProcess, spawn } from "node:child_process";
import { descendantsOf } from "@aios/service-kit";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { Scenario, ScenarioResult } from "../src/measure";
import { exitCodeOf, jsonLine, type Outcome, runScenario, runScenarios, table } from "../src/run";
import { chromiumMissing, vdagEditor } from "../src/scenarios/vdag-editor";

const figures = { p50_ms: 1, p99_ms: 2, per_s: 100, n: 10 };
const result = (scenario: string, met = true): ScenarioResult => ({
  scenario,
  measured: figures,
  baseline: { name: "nothing", ...figures },
  ratio: 1,
  target: "anything",
  met,
});
const scenario = (name: string, run: Scenario["run"], extra: Partial<Scenario> = {}): Scenario => ({
  name,
  description: name,
  run,
  ...extra,
});

const started: ChildProcess[] = [];
afterEach(() => {
  for (const c of started.splice(0)) c.kill("SIGKILL");
  vi.unstubAllEnvs();
});
const idleChild = () => {
  const child = spawn(process.execPath, ["-e", "setInterval(() => {}, 1000)"], { stdio: "ignore" });
  started.push(child);
  return child;
};

describe("the bench runner", () => {
  it("reports a scenario that throws as not run, with the reason, and runs the others", async () => {
    const ran: string[] = [];
    const outcomes = await runScenarios([
      scenario("first", async () => {
        ran.push("first");
        return result("first");
      }),
      scenario("broken", async () => {
        ran.push("broken");
        throw new Error("the console did not answer within 5 minutes");
      }),
      scenario("last", async () => {
        ran.push("last");
        return result("last", false);
      }),
    ]);
    expect(ran).toEqual(["first", "broken", "last"]);
    expect(outcomes.map((o) => [o.scenario, o.ran, o.met])).toEqual([
      ["first", true, true],
      ["broken", false, false],
      ["last", true, false],
    ]);
    expect(outcomes[1]).toEqual({
      scenario: "broken",
      ran: false,
      met: false,
      reason: "failed: the console did not answer within 5 minutes",
    });
    expect(exitCodeOf(outcomes)).toBe(1);
  });

  it("does not start a scenario whose prerequisite is missing", async () => {
    const run = vi.fn(async () => result("needs-chromium"));
    const outcome = await runScenario(
      scenario("needs-chromium", run, { prerequisite: () => "no Chromium at /nowhere/chromium" }),
    );
    expect(run).not.toHaveBeenCalled();
    expect(outcome).toEqual({
      scenario: "needs-chromium",
      ran: false,
      met: false,
      reason: "cannot run: no Chromium at /nowhere/chromium",
    });
  });

  it("exits 0 when every scenario ran, also when one missed its target", async () => {
    const outcomes = await runScenarios([
      scenario("fast", async () => result("fast")),
      scenario("slow", async () => result("slow", false)),
    ]);
    expect(outcomes.every((o) => o.ran && o.reason === undefined)).toBe(true);
    expect(exitCodeOf(outcomes)).toBe(0);
  });

  it("stops the processes a scenario left running and reports them, keeping its figures", async () => {
    let pid = 0;
    const outcome = await runScenario(
      scenario("leaky", async () => {
        pid = idleChild().pid ?? 0;
        return result("leaky");
      }),
      { exitGraceMs: 200 },
    );
    expect(outcome).toMatchObject({ scenario: "leaky", ran: true, met: false, measured: figures });
    expect(outcome.reason).toMatch(
      new RegExp(`^left 1 process\\(es\\) running, stopped by the bench: ${pid} \\(`),
    );
    expect(descendantsOf(process.pid).map((p) => p.pid)).not.toContain(pid);
    expect(exitCodeOf([outcome])).toBe(1);
  });

  it("also stops what a failing scenario started", async () => {
    let pid = 0;
    const outcome = await runScenario(
      scenario("leaky-and-broken", async () => {
        pid = idleChild().pid ?? 0;
        throw new Error("boom");
      }),
      { exitGraceMs: 200 },
    );
    expect(outcome.ran).toBe(false);
    expect(outcome.reason).toMatch(/^failed: boom; left 1 process\(es\) running/);
    expect(descendantsOf(process.pid).map((p) => p.pid)).not.toContain(pid);
  });

  it("keeps a scenario's own problems (what it had to stop) in the reason", async () => {
    const outcome = await runScenario(
      scenario("editor-like", async (ctx) => {
        ctx.problem("the launcher left 8 process(es) of /tmp/home running, stopped by the bench");
        return result("editor-like");
      }),
    );
    expect(outcome).toMatchObject({
      ran: true,
      met: false,
      reason: expect.stringContaining("launcher left 8"),
    });
  });

  it("prints the reason in the table and in --json", () => {
    const outcomes: Outcome[] = [
      { ...result("fine"), ran: true },
      { scenario: "console.vdag-editor-1000", ran: false, met: false, reason: "cannot run: no Chromium" },
    ];
    const lines = table(outcomes).split("\n");
    expect(lines[0]).toMatch(/\bmet {2}reason$/);
    expect(lines[2]).toMatch(/^fine .* yes$/);
    expect(lines[3]).toMatch(/^console\.vdag-editor-1000 +- .* NO {3}cannot run: no Chromium$/);
    expect(jsonLine(outcomes[1] as Outcome)).toEqual({
      scenario: "console.vdag-editor-1000",
      ran: false,
      met: false,
      reason: "cannot run: no Chromium",
    });
    expect(jsonLine(outcomes[0] as Outcome)).toMatchObject({
      scenario: "fine",
      ran: true,
      p50_ms: 1,
      met: true,
    });
  });
});

describe("the vDAG editor scenario", () => {
  it("cannot run without Chromium, and starts nothing", async () => {
    vi.stubEnv("AIOS_CHROMIUM", "/nowhere/chromium");
    const before = descendantsOf(process.pid).length;
    const outcome = await runScenario(vdagEditor);
    expect(outcome).toEqual({
      scenario: "console.vdag-editor-1000",
      ran: false,
      met: false,
      reason:
        "cannot run: no Chromium at /nowhere/chromium (install Debian's chromium or set AIOS_CHROMIUM to one)",
    });
    expect(descendantsOf(process.pid).length).toBe(before);
  });

  it("finds an executable Chromium path acceptable", () => {
    expect(chromiumMissing(process.execPath)).toBeUndefined();
    expect(chromiumMissing("/etc/passwd")).toMatch(/^no Chromium at \/etc\/passwd/);
  });
});
