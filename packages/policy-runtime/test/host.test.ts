import type { TPolicyKind } from "@aios/contracts";
import { describe, expect, it } from "vitest";
import { definePolicy } from "../src/define";
import { createPolicyHost, loadPolicy, type PolicySource } from "../src/host";
import { lbInput, lbPolicy, ROUND_ROBIN } from "./fixtures";

// Module-level `calls` survives re-init (same isolate); `state.n` does not (fresh init per execute).
const COUNTING = lbPolicy(
  "calls++; state.n++;\n    return { instanceId: [calls, state.n, settings.who, parameters.p].join('/') };",
)
  .replace("export default", "let calls = 0;\nexport default")
  .replace("return { next: 0, settings, parameters };", "return { n: 0 };");

const registry =
  (code: string, kind: TPolicyKind = "loadBalancer"): ((uri: string) => Promise<PolicySource>) =>
  async (uri) => ({
    policyRuleURI: uri,
    code,
    kind,
    settings: { who: "stored", keep: 1 },
    parameters: { p: "stored" },
  });

describe("createPolicyHost", () => {
  it("execute is stateless (fresh init per call) on a warm isolate, with the caller's values winning", async () => {
    const host = createPolicyHost({ resolve: registry(COUNTING), isolation: "in-process" });
    const a = await host.execute("lb:1.0.0-stable", lbInput(), { settings: { who: "caller" } });
    const b = await host.execute("lb:1.0.0-stable", lbInput(), { settings: { who: "caller" } });
    expect([a.ok && a.value, b.ok && b.value]).toEqual([
      { instanceId: "1/1/caller/stored" },
      { instanceId: "2/1/caller/stored" },
    ]);
    host.dispose();
  });

  it("tells its observer of every execute: the policy's kind, its time, whether it succeeded", async () => {
    const seen: Array<{ kind: string; seconds: number; ok: boolean }> = [];
    const host = createPolicyHost({
      resolve: registry(COUNTING),
      isolation: "in-process",
      observe: (e) => {
        seen.push(e);
        throw new Error("an observer's failure is not the call's");
      },
    });
    const ok = await host.execute("lb:1.0.0-stable", lbInput());
    const bad = await host.execute("lb:1.0.0-stable", { not: "an input" });
    expect([ok.ok, bad.ok]).toEqual([true, false]);
    await new Promise((r) => setImmediate(r));
    expect(seen.map((e) => [e.kind, e.ok])).toEqual([
      ["loadBalancer", true],
      ["loadBalancer", false],
    ]);
    expect(seen.every((e) => e.seconds > 0 && e.seconds < 30)).toBe(true);
    host.dispose();
  });

  it("execute calls on one warm isolate never interleave", async () => {
    const host = createPolicyHost({ resolve: registry(COUNTING), isolation: "in-process" });
    const results = await Promise.all(
      Array.from({ length: 5 }, () => host.execute("lb:1.0.0-stable", lbInput())),
    );
    expect(results.map((r) => r.ok && (r.value as { instanceId: string }).instanceId.split("/")[1])).toEqual(
      Array(5).fill("1"),
    );
    host.dispose();
  });

  it("load keeps state across evals and merges overrides over the stored defaults", async () => {
    const host = createPolicyHost({ resolve: registry(COUNTING), isolation: "in-process" });
    const p = await host.load("lb:1.0.0-stable", { parameters: { p: "caller" } });
    await p.eval(lbInput());
    const r = await p.eval(lbInput());
    expect(r.ok && r.value).toEqual({ instanceId: "2/2/stored/caller" });
    host.dispose();
  });

  it("refuses a module whose kind differs from the registered kind", async () => {
    const host = createPolicyHost({ resolve: registry(ROUND_ROBIN, "autoscaler"), isolation: "in-process" });
    await expect(host.load("x:1.0.0-stable")).rejects.toMatchObject({ kind: "invalid_policy" });
    const r = await host.execute("x:1.0.0-stable", {});
    expect(!r.ok && r.error.kind).toBe("invalid_policy");
    host.dispose();
  });

  it("loadPolicy loads straight from a source", async () => {
    const p = await loadPolicy({ policyRuleURI: "rr", code: ROUND_ROBIN, kind: "loadBalancer" }, undefined, {
      isolation: "in-process",
    });
    const r = await p.eval(lbInput(["z"]));
    expect(r.ok && r.value).toEqual({ instanceId: "z" });
    p.dispose();
  });
});

describe("definePolicy", () => {
  it("is the identity, typed by kind (state inferred from init)", () => {
    const p = definePolicy({
      kind: "loadBalancer",
      init: () => ({ next: 0 }),
      eval(input, { state }) {
        const i = input.instances[state.next++ % input.instances.length] ?? input.instances[0];
        return { instanceId: i?.id ?? "" };
      },
    });
    expect(p.kind).toBe("loadBalancer");
  });
});
