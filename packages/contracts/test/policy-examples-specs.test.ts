import { existsSync, readdirSync } from "node:fs";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { POLICY_KINDS, policyRuleUriOf } from "../src/index";
import { docs, policiesDir, specs, specsDir } from "./fixtures/example-policies";

describe("examples/specs/policies.json", () => {
  it("is an array of createPolicy documents that parse with their code inlined", () => {
    expect(Array.isArray(docs)).toBe(true);
    expect(specs).toHaveLength(docs.length);
    for (const spec of specs) {
      expect(spec.code).toContain("export default definePolicy({");
      expect(spec.codePath).toBeUndefined();
    }
  });

  it("names each policy after its file, version 1.0.0-stable, each once", () => {
    const uris = specs.map(policyRuleUriOf);
    expect(new Set(uris).size).toBe(uris.length);
    for (const doc of docs) {
      const { name, codePath, version, releaseTag } = doc.body.spec.values;
      expect(codePath).toBe(`../policies/${name}.ts`);
      expect([version, releaseTag]).toEqual(["1.0.0", "stable"]);
      expect(existsSync(resolve(specsDir, String(codePath))), String(codePath)).toBe(true);
    }
    expect(uris).toContain("round-robin:1.0.0-stable");
  });

  it("has an example for every kind, and a spec for every example file", () => {
    const kinds = new Set(specs.map((s) => s.kind));
    expect(POLICY_KINDS.filter((k) => !kinds.has(k))).toEqual([]);
    const files = readdirSync(policiesDir).filter((f) => f.endsWith(".ts"));
    expect(files.map((f) => f.replace(/\.ts$/, "")).sort()).toEqual(specs.map((s) => s.name).sort());
  });

  it("has the files the console and docs refer to", () => {
    const names = specs.map((s) => s.name);
    for (const name of [
      "round-robin",
      "least-loaded",
      "queue-depth-autoscaler",
      "health-threshold",
      "most-free-gpu",
      "cluster-by-capacity",
      "lowest-latency",
      "rank-by-tags",
      "lowercase-text",
      "add-timestamp",
      "vdag-trace-tag",
      "keyword-router",
      "per-session-quota",
      "sample-quality",
      "all-blocks-healthy",
      "allow-list",
      "node-stability",
      "log-event",
    ]) {
      expect(names).toContain(name);
    }
  });

  it.each(docs.map((d) => [d.body.spec.values.name as string]))("%s: plain module of its kind", (name) => {
    const spec = specs.find((s) => s.name === name)!;
    const code = spec.code ?? "";
    const imports = [...code.matchAll(/from "([^"]+)"/g)].map((m) => m[1]);
    expect(imports).toEqual(["@aios/policy-runtime"]);
    expect(code).toContain(`kind: "${spec.kind}"`);
    expect(code).not.toMatch(/\b(require\(|process\.|globalThis|fetch\()/);
    // Settings the code reads are documented, and documented defaults are valid keys.
    const properties = Object.keys(
      (spec.policySettingsSchema?.properties as Record<string, unknown> | undefined) ?? {},
    );
    const read = new Set([...code.matchAll(/settings\.(\w+)/g)].map((m) => m[1]));
    if (read.size > 0) expect([...read].filter((k) => !properties.includes(k ?? ""))).toEqual([]);
    for (const key of Object.keys(spec.policySettings ?? {})) expect(properties).toContain(key);
    for (const command of spec.managementCommandsSchema ?? []) {
      expect(code).toContain(`action === "${command.name}"`);
    }
  });
});
