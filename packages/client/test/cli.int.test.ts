import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { useApiServer } from "../../../apps/api/test/harness";
import { main } from "../src/cli/main";

const examples = resolve(import.meta.dirname, "../../../examples/specs");

function io(url: string) {
  const out: string[] = [];
  const err: string[] = [];
  return {
    out,
    err,
    io: { out: (t: string) => out.push(t), err: (t: string) => err.push(t), env: { AIOS_API_URL: url } },
  };
}

describe("aios CLI", () => {
  const api = useApiServer();

  it("applies the example components, then lists them as JSON and as a table", async () => {
    const applied = io(api.url);
    expect(await main(["apply", "-f", `${examples}/components.json`], applied.io)).toBe(0);
    expect(applied.out).toContain("registerComponent model.echo:1.0.0-stable: created");

    const again = io(api.url);
    expect(await main(["apply", "-f", `${examples}/components.json`], again.io)).toBe(0);
    expect(again.out).toContain("registerComponent model.echo:1.0.0-stable: unchanged");

    const json = io(api.url);
    expect(await main(["get", "components", "-o", "json"], json.io)).toBe(0);
    const listed = JSON.parse(json.out.join("")) as Array<{ componentURI: string }>;
    expect(listed.map((c) => c.componentURI)).toContain("tool.http-proxy:1.0.0-stable");

    const table = io(api.url);
    expect(await main(["get", "component", "model.echo:1.0.0-stable"], table.io)).toBe(0);
    expect(table.out.join("\n")).toMatch(/^URI\s+TYPE\s+MODE/);
  });

  it("searches with --filter", async () => {
    const r = io(api.url);
    const filter = JSON.stringify({ variable: "componentId.name", operator: "LIKE", value: "*detect*" });
    expect(await main(["get", "components", "--filter", filter, "-o", "json"], r.io)).toBe(0);
    expect((JSON.parse(r.out.join("")) as unknown[]).length).toBe(1);
  });

  it("reports a malformed spec with the field and exits 1", async () => {
    const r = io(api.url);
    expect(await main(["apply", "-f", `${import.meta.dirname}/fixtures/bad-block.json`], r.io)).toBe(1);
    expect(r.err.join("\n")).toContain("body.spec.values.maxInstances: must be >= minInstances (3), got 2");
  });

  it("explains bad arguments with the usage and exit code 2", async () => {
    const r = io(api.url);
    expect(await main(["get", "gadgets"], r.io)).toBe(2);
    expect(r.err.join("")).toContain('unknown kind "gadgets"');
    expect(await main(["apply"], io(api.url).io)).toBe(2);
  });
});

describe("aios policy", () => {
  const api = useApiServer();
  const dir = mkdtempSync(join(tmpdir(), "aios-cli-policy-"));
  const write = (name: string, text: string) => {
    writeFileSync(join(dir, name), text);
    return join(dir, name);
  };
  const policy = write(
    "lb.ts",
    `import { definePolicy } from "@aios/policy-runtime";
export default definePolicy({
  kind: "loadBalancer",
  eval(input) {
    return { instanceId: input.instances[0].id };
  },
});
`,
  );
  const input = write(
    "input.json",
    JSON.stringify({
      mode: "load_balance",
      packet: { session_id: "s", seq_no: 1, data: {}, ts: 0 },
      instances: [{ id: "in-abcd" }],
    }),
  );

  it("dry-runs a policy file and prints its output", async () => {
    const r = io(api.url);
    expect(await main(["policy", "dry-run", "-f", policy, "--input", input], r.io)).toBe(0);
    expect(JSON.parse(r.out.join(""))).toEqual({ instanceId: "in-abcd" });
  });

  it("prints a runtime error at the policy's own line", async () => {
    const broken = write(
      "broken.ts",
      readFileSync(policy, "utf8").replace("input.instances[0].id", "input.nothing.id"),
    );
    const r = io(api.url);
    expect(
      await main(["policy", "dry-run", "-f", broken, "--input", input, "--kind", "loadBalancer"], r.io),
    ).toBe(1);
    expect(r.err.join("\n")).toMatch(new RegExp(`${broken}:5:\\d+: runtime error: .*undefined`));
  });

  it("names the field of an invalid output", async () => {
    const wrong = write("wrong.ts", readFileSync(policy, "utf8").replace("input.instances[0].id", "7"));
    const r = io(api.url);
    expect(await main(["policy", "dry-run", "-f", wrong, "--input", input], r.io)).toBe(1);
    expect(r.err.join("\n")).toContain("output.instanceId: expected a string, got number");
  });

  it("rejects an unknown --kind before calling the API", async () => {
    const r = io(api.url);
    expect(await main(["policy", "dry-run", "-f", policy, "--input", input, "--kind", "nope"], r.io)).toBe(2);
    expect(r.err.join("")).toContain("--kind must be one of");
  });
});
