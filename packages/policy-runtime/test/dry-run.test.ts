import { afterAll, describe, expect, it } from "vitest";
import { dryRunPolicy } from "../src/dry-run";
import { SandboxProcess } from "../src/sandbox";
import { lbInput, lbPolicy, ROUND_ROBIN } from "./fixtures";

const proc = new SandboxProcess();
afterAll(() => proc.stop());

describe("dryRunPolicy", () => {
  it("compiles, inits and evals a fresh instance, returning output and logs of init and eval", async () => {
    const code = lbPolicy('log("eval"); return { instanceId: input.instances[1].id };').replace(
      "init({ settings, parameters }) {",
      'init({ settings, parameters }) { console.info("init", settings.s);',
    );
    const r = await dryRunPolicy({ code, input: lbInput(), settings: { s: 1 }, process: proc });
    expect(r).toMatchObject({ ok: true, kind: "loadBalancer", output: { instanceId: "b" }, valid: true });
    expect(r.validationErrors).toEqual([]);
    expect(r.logs).toEqual([
      { level: "info", message: "init 1" },
      { level: "log", message: "eval" },
    ]);
    expect(r.durationMs).toBeGreaterThan(0);
  });

  it("refuses a module whose kind is not the one asked for", async () => {
    const r = await dryRunPolicy({ code: ROUND_ROBIN, kind: "autoscaler", input: {}, process: proc });
    expect(r).toMatchObject({ ok: false, kind: "autoscaler", error: { kind: "invalid_policy" } });
    expect(r.error?.message).toMatch(/declares kind "loadBalancer".*"autoscaler"/);
  });

  it("shows an invalid output together with the fields that are wrong", async () => {
    const r = await dryRunPolicy({
      code: lbPolicy("return { instance: 1 };"),
      input: lbInput(),
      process: proc,
    });
    expect(r).toMatchObject({
      ok: false,
      valid: false,
      output: { instance: 1 },
      error: { kind: "invalid_output" },
    });
    expect(r.validationErrors.map((e) => e.path).sort()).toEqual(["output.instance", "output.instanceId"]);
  });

  it("reports compile and runtime errors with TypeScript positions", async () => {
    const compile = await dryRunPolicy({ code: "const = 1;", input: {}, process: proc });
    expect(compile).toMatchObject({ ok: false, kind: null, error: { kind: "compile", line: 1, column: 7 } });
    const runtime = await dryRunPolicy({
      code: lbPolicy("return input.nope.deeper;"),
      input: lbInput(),
      process: proc,
    });
    expect(runtime.error).toMatchObject({ kind: "runtime", line: 6 });
    expect(runtime.error?.stack).toMatch(/policy\.ts:6:/);
  });

  it("reports invalid input as validation errors under input.*", async () => {
    const r = await dryRunPolicy({ code: ROUND_ROBIN, input: { mode: "load_balance" }, process: proc });
    expect(r.error?.kind).toBe("invalid_input");
    expect(r.validationErrors.map((e) => e.path)).toEqual(
      expect.arrayContaining(["input.packet", "input.instances"]),
    );
  });
});
