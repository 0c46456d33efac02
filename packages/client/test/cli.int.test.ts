import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { doc, useApiServer } from "../../../apps/api/test/harness";
import { main } from "../src/cli/main";
import { captureIo } from "./cli-io";

const examples = resolve(import.meta.dirname, "../../../examples/specs");

const cluster = (id: string, tags: string[] = []) =>
  doc("createCluster", { id, tags, config: { publicHostname: "127.0.0.1" } });

const LB_POLICY = `import { definePolicy } from "@aios/policy-runtime";
export default definePolicy({
  kind: "loadBalancer",
  eval(input) {
    return { instanceId: input.instances[0].id };
  },
});
`;

describe("aios CLI", () => {
  const api = useApiServer();

  it("applies the example components, then lists them as JSON and as a table", async () => {
    const applied = captureIo(api.url);
    expect(await main(["apply", "-f", `${examples}/components.json`], applied.io)).toBe(0);
    expect(applied.out).toContain("registerComponent model.echo:1.0.0-stable: created");

    const again = captureIo(api.url);
    expect(await main(["apply", "-f", `${examples}/components.json`], again.io)).toBe(0);
    expect(again.out).toContain("registerComponent model.echo:1.0.0-stable: unchanged");

    const json = captureIo(api.url);
    expect(await main(["get", "components", "-o", "json"], json.io)).toBe(0);
    const listed = JSON.parse(json.out.join("")) as Array<{ componentURI: string }>;
    expect(listed.map((c) => c.componentURI)).toContain("tool.http-proxy:1.0.0-stable");

    const table = captureIo(api.url);
    expect(await main(["get", "component", "model.echo:1.0.0-stable"], table.io)).toBe(0);
    expect(table.out.join("\n")).toMatch(/^URI\s+TYPE\s+MODE/);
  });

  it("searches with --filter", async () => {
    expect(await main(["apply", "-f", `${examples}/components.json`], captureIo(api.url).io)).toBe(0);
    const r = captureIo(api.url);
    const filter = JSON.stringify({ variable: "componentId.name", operator: "LIKE", value: "*detect*" });
    expect(await main(["get", "components", "--filter", filter, "-o", "json"], r.io)).toBe(0);
    expect((JSON.parse(r.out.join("")) as unknown[]).length).toBe(1);
  });

  it("reports a malformed spec with the field and exits 1", async () => {
    const r = captureIo(api.url);
    expect(await main(["apply", "-f", `${import.meta.dirname}/fixtures/bad-block.json`], r.io)).toBe(1);
    expect(r.err.join("\n")).toContain("body.spec.values.maxInstances: must be >= minInstances (3), got 2");
  });

  it("validates spec files without applying them", async () => {
    const dir = mkdtempSync(join(tmpdir(), "aios-cli-validate-"));
    const spec = join(dir, "cluster.json");
    writeFileSync(spec, JSON.stringify(cluster("cli-validate")));
    const valid = captureIo(api.url);
    expect(await main(["validate", "-f", spec], valid.io)).toBe(0);
    expect(valid.out).toEqual([`${spec}: valid createCluster`]);
    const notApplied = captureIo(api.url);
    expect(await main(["get", "cluster", "cli-validate"], notApplied.io)).toBe(1);
    expect(notApplied.err.join("")).toContain('"cli-validate" was not found');

    const invalid = captureIo(api.url);
    expect(await main(["validate", "-f", `${import.meta.dirname}/fixtures/bad-block.json`], invalid.io)).toBe(
      1,
    );
    expect(invalid.err.join("\n")).toContain(
      "body.spec.values.maxInstances: must be >= minInstances (3), got 2",
    );
  });

  it("reports a file that cannot be parsed with its name and line, exit code 1 and no usage", async () => {
    const dir = mkdtempSync(join(tmpdir(), "aios-cli-broken-"));
    const broken = join(dir, "broken.ndjson");
    writeFileSync(broken, `${JSON.stringify(cluster("cli-broken"))}\n{"header": }\n`);
    for (const command of ["apply", "validate"]) {
      const r = captureIo(api.url);
      expect(await main([command, "-f", broken], r.io)).toBe(1);
      expect(r.err.join("\n")).toMatch(new RegExp(`^error: ${broken}:2: document 2 is not valid JSON: `));
      expect(r.err.join("\n")).not.toContain("Usage:");
    }
    const missing = captureIo(api.url);
    expect(await main(["apply", "-f", join(dir, "absent.yaml")], missing.io)).toBe(1);
    expect(missing.err.join("")).toContain("absent.yaml: cannot read the file: no such file");
    // Nothing of a file that does not parse is applied, not even its valid first document.
    expect(await main(["get", "cluster", "cli-broken"], captureIo(api.url).io)).toBe(1);
  });

  it("applies a policy spec (its code from codePath) and lists it with aios get policies", async () => {
    const dir = mkdtempSync(join(tmpdir(), "aios-cli-apply-policy-"));
    writeFileSync(join(dir, "first.ts"), LB_POLICY);
    const spec = join(dir, "policy.json");
    writeFileSync(
      spec,
      JSON.stringify(
        doc("createPolicy", {
          name: "cli-first",
          version: "1.0.0",
          releaseTag: "stable",
          kind: "loadBalancer",
          tags: ["cli-test"],
          codePath: "first.ts",
        }),
      ),
    );
    const applied = captureIo(api.url);
    expect(await main(["apply", "-f", spec], applied.io)).toBe(0);
    expect(applied.out).toEqual(["createPolicy cli-first:1.0.0-stable: created"]);

    const table = captureIo(api.url);
    expect(await main(["get", "policies"], table.io)).toBe(0);
    expect(table.out.join("\n")).toMatch(
      /^URI\s+KIND\s+TAGS\s+CREATED\n(.*\n)*cli-first:1\.0\.0-stable\s+loadBalancer\s+cli-test\s/m,
    );
    const json = captureIo(api.url);
    expect(await main(["get", "policy", "cli-first:1.0.0-stable", "-o", "json"], json.io)).toBe(0);
    expect(JSON.parse(json.out.join(""))).toMatchObject({ name: "cli-first", kind: "loadBalancer" });
  });

  it("applies a YAML multi-document stream in dependency order, then filters its nodes' GPUs", async () => {
    const dir = mkdtempSync(join(tmpdir(), "aios-cli-yaml-"));
    const stream = join(dir, "cluster.yaml");
    writeFileSync(
      stream,
      `header: {templateUri: Parser/V1, action: addNode}
body:
  spec:
    values:
      clusterId: cli-yaml
      nodeData:
        id: cli-yaml-n2
        gpus: {count: 1, gpus: [{modelName: NVIDIA A100, memory: 40960}]}
---
header: {templateUri: Parser/V1, action: createCluster}
body:
  spec:
    values:
      id: cli-yaml
      config: {publicHostname: 127.0.0.1}
      nodes:
        nodeData:
          - id: cli-yaml-n1
            gpus: {count: 2, gpus: [{modelName: NVIDIA T4, memory: 15360}, {modelName: NVIDIA A100, memory: 81920}]}
`,
    );
    const applied = captureIo(api.url);
    expect(await main(["apply", "-f", stream], applied.io)).toBe(0);
    expect(applied.out).toEqual(["createCluster cli-yaml: created", "addNode cli-yaml-n2: created"]);

    const filter = JSON.stringify({
      logicalOperator: "AND",
      conditions: [
        { variable: "clusterId", operator: "==", value: "cli-yaml" },
        { variable: "modelName", operator: "LIKE", value: "*a100" },
      ],
    });
    const json = captureIo(api.url);
    expect(await main(["get", "gpus", "--filter", filter, "-o", "json"], json.io)).toBe(0);
    expect((JSON.parse(json.out.join("")) as Array<{ key: string }>).map((g) => g.key)).toEqual([
      "cli-yaml-n1/1",
      "cli-yaml-n2/0",
    ]);
    const table = captureIo(api.url);
    expect(await main(["get", "gpu", "cli-yaml-n1/0"], table.io)).toBe(0);
    expect(table.out.join("\n")).toMatch(
      // No heartbeat has reported the GPU's figures yet.
      /^KEY\s+CLUSTER\s+NODE\s+MODEL\s+MEMORY MB\s+UTIL %\s+USED MB\s+PROCESSES\ncli-yaml-n1\/0\s+cli-yaml\s+cli-yaml-n1\s+NVIDIA T4\s+15360\s+-\s+-\s+0$/,
    );
    // A node added by a spec that names no driver runs the process driver.
    const node = captureIo(api.url);
    expect(await main(["get", "node", "cli-yaml-n1"], node.io)).toBe(0);
    expect(node.out.join("\n")).toMatch(
      /^ID\s+CLUSTER\s+STATUS\s+DRIVER\s+VCPUS\s.*\ncli-yaml-n1\s+cli-yaml\s+\S+\s+process\s/,
    );
  });

  it("applies JSON documents given one per line", async () => {
    const dir = mkdtempSync(join(tmpdir(), "aios-cli-ndjson-"));
    const lines = join(dir, "clusters.ndjson");
    writeFileSync(
      lines,
      ["cli-nd-1", "cli-nd-2"].map((id) => JSON.stringify(cluster(id, ["cli-nd"]))).join("\n"),
    );
    const applied = captureIo(api.url);
    expect(await main(["apply", "-f", lines], applied.io)).toBe(0);
    expect(applied.out).toEqual(["createCluster cli-nd-1: created", "createCluster cli-nd-2: created"]);
    const json = captureIo(api.url);
    const filter = JSON.stringify({ variable: "tags", operator: "==", value: "cli-nd" });
    expect(await main(["get", "clusters", "--filter", filter, "-o", "json"], json.io)).toBe(0);
    expect((JSON.parse(json.out.join("")) as Array<{ id: string }>).map((c) => c.id)).toEqual([
      "cli-nd-1",
      "cli-nd-2",
    ]);
  });

  it("gets audit events, tasks, instances, jobs and tokens with a filter", async () => {
    const dir = mkdtempSync(join(tmpdir(), "aios-cli-kinds-"));
    const spec = join(dir, "cluster.json");
    writeFileSync(spec, JSON.stringify(cluster("cli-kinds")));
    expect(await main(["apply", "-f", spec], captureIo(api.url).io)).toBe(0);
    const db = api.services.db;
    await db.task.create({
      data: { id: "cli-task-1", kind: "vdag.infer", status: "succeeded", trace: [{ node: "cli-step" }] },
    });
    await db.component.create({
      data: {
        componentURI: "model.cli:1.0.0-stable",
        componentType: "model",
        name: "cli",
        version: "1.0.0",
        releaseTag: "stable",
      },
    });
    await db.block.create({
      data: { id: "blk-cliaaaaa", componentURI: "model.cli:1.0.0-stable", clusterId: "cli-kinds" },
    });
    await db.instance.create({
      data: { id: "in-cli1", blockId: "blk-cliaaaaa", status: "healthy", gpus: [0, 1] },
    });
    await db.policyJob.create({
      data: {
        id: "cli-job-1",
        name: "cli-job",
        policyRuleURI: "p:1.0.0-stable",
        clusterId: "cli-kinds",
        status: "failed",
      },
    });
    const { token } = await api.services.tokens.issue({ name: "cli-token", role: "viewer" });

    const get = async (args: string[]) => {
      const r = captureIo(api.url);
      expect(await main(["get", ...args], r.io), r.err.join("\n")).toBe(0);
      return r.out.join("\n");
    };
    const where = (variable: string, value: string) => JSON.stringify({ variable, operator: "==", value });

    const events = JSON.parse(
      await get(["auditevents", "--filter", where("target", "cli-kinds"), "-o", "json"]),
    );
    expect(events).toMatchObject([
      { action: "parser.createCluster", target: "cli-kinds", decision: { created: true } },
    ]);
    expect(await get(["tasks", "--filter", where("trace.node", "cli-step")])).toMatch(
      /^ID\s+KIND\s+STATUS\s+TARGET\s+STEPS\s+CREATED\s+FINISHED\ncli-task-1\s+vdag\.infer\s+succeeded\s+-\s+1\s/,
    );
    expect(await get(["instances", "--filter", where("blockId", "blk-cliaaaaa")])).toMatch(
      /\nblk-cliaaaaa\s+in-cli1\s+-\s+healthy\s+-\s+0,1$/,
    );
    expect(JSON.parse(await get(["instance", "blk-cliaaaaa/in-cli1", "-o", "json"]))).toMatchObject({
      id: "in-cli1",
    });
    expect(
      JSON.parse(await get(["jobs", "--filter", where("clusterId", "cli-kinds"), "-o", "json"])),
    ).toMatchObject([{ id: "cli-job-1", status: "failed" }]);
    const tokens = await get(["tokens", "--filter", where("name", "cli-token"), "-o", "json"]);
    expect(JSON.parse(tokens)).toMatchObject([{ name: "cli-token", role: "viewer" }]);
    expect(tokens).not.toContain(token);
    expect(tokens).not.toContain("tokenHash");

    const probe = captureIo(api.url);
    expect(await main(["get", "tokens", "--filter", where("tokenHash", "x")], probe.io)).toBe(1);
    expect(probe.err.join("")).toContain('"tokenHash" is not a filterable variable of API tokens');
  });

  it("explains bad arguments with the usage and exit code 2", async () => {
    const r = captureIo(api.url);
    expect(await main(["get", "gadgets"], r.io)).toBe(2);
    expect(r.err.join("")).toContain('unknown kind "gadgets"');
    expect(await main(["apply"], captureIo(api.url).io)).toBe(2);
  });
});

describe("aios policy", () => {
  const api = useApiServer();
  const dir = mkdtempSync(join(tmpdir(), "aios-cli-policy-"));
  const write = (name: string, text: string) => {
    writeFileSync(join(dir, name), text);
    return join(dir, name);
  };
  const policy = write("lb.ts", LB_POLICY);
  const input = write(
    "input.json",
    JSON.stringify({
      mode: "load_balance",
      packet: { session_id: "s", seq_no: 1, data: {}, ts: 0 },
      instances: [{ id: "in-abcd" }],
    }),
  );

  it("dry-runs a policy file and prints its output", async () => {
    const r = captureIo(api.url);
    expect(await main(["policy", "dry-run", "-f", policy, "--input", input], r.io)).toBe(0);
    expect(JSON.parse(r.out.join(""))).toEqual({ instanceId: "in-abcd" });
  });

  it("prints a runtime error at the policy's own line", async () => {
    const broken = write(
      "broken.ts",
      readFileSync(policy, "utf8").replace("input.instances[0].id", "input.nothing.id"),
    );
    const r = captureIo(api.url);
    expect(
      await main(["policy", "dry-run", "-f", broken, "--input", input, "--kind", "loadBalancer"], r.io),
    ).toBe(1);
    expect(r.err.join("\n")).toMatch(new RegExp(`${broken}:5:\\d+: runtime error: .*undefined`));
  });

  it("names the field of an invalid output", async () => {
    const wrong = write("wrong.ts", readFileSync(policy, "utf8").replace("input.instances[0].id", "7"));
    const r = captureIo(api.url);
    expect(await main(["policy", "dry-run", "-f", wrong, "--input", input], r.io)).toBe(1);
    expect(r.err.join("\n")).toContain("output.instanceId: expected a string, got number");
  });

  it("rejects an unknown --kind before calling the API", async () => {
    const r = captureIo(api.url);
    expect(await main(["policy", "dry-run", "-f", policy, "--input", input, "--kind", "nope"], r.io)).toBe(2);
    expect(r.err.join("")).toContain("--kind must be one of");
  });
});
