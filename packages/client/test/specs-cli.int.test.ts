import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { doc, useApiServer } from "../../../apps/api/test/harness";
import { runCli } from "./cli-io";

const examples = resolve(import.meta.dirname, "../../../examples");

describe("aios specs, aios apply --spec-uri, aios expand and templates", () => {
  const api = useApiServer();
  const dir = mkdtempSync(join(tmpdir(), "aios-cli-specs-"));
  const run = (args: string[]) => runCli(api.url, args);
  const clusterId = `cli-spec-${Date.now().toString(36)}`;
  const file = (name: string, value: unknown) => {
    const path = join(dir, name);
    writeFileSync(path, JSON.stringify(value));
    return path;
  };
  const service = (name: string) =>
    file(`${name}.json`, {
      header: { templateUri: "one-model-service:1.0.0-stable", parameters: { clusterId } },
      body: { name, component: { program: "examples/components/echo/index.ts" }, replicas: 1 },
    });

  beforeAll(async () => {
    expect((await run(["apply", "-f", `${examples}/specs/policies.json`])).code).toBe(0);
    await api.caller().agents.register({
      clusterId,
      publicHostname: "127.0.0.1",
      node: {
        id: `${clusterId}-n1`,
        vcpus: 4,
        memoryMb: 8192,
        storageMb: 10_000,
        cpuModel: "test",
        gpus: [],
      },
    });
  });

  it("applies a document for a template: one line for the template, one per document it made", async () => {
    const r = await run(["apply", "-f", service("cli-svc")]);
    expect(r).toMatchObject({ code: 0, err: "" });
    expect(r.out.split("\n")).toEqual([
      "template one-model-service:1.0.0-stable: 3 documents",
      "  registerComponent model.cli-svc:1.0.0-stable: created",
      "  createBlock cli-svc: created",
      "  createvDAG cli-svc:1.0.0-stable: created",
    ]);
    const valid = await run(["validate", "-f", service("cli-svc")]);
    expect(valid.out).toMatch(
      /: valid for template one-model-service:1\.0\.0-stable: registerComponent, createBlock, createvDAG$/,
    );
  });

  it("expands without applying, printing the Parser/V1 documents", async () => {
    const r = await run(["expand", "-f", service("cli-preview")]);
    expect(r.code).toBe(0);
    const documents = JSON.parse(r.out) as { header: { action: string } }[];
    expect(documents.map((d) => d.header.action)).toEqual(["registerComponent", "createBlock", "createvDAG"]);
    expect((await api.caller().blocks.list()).map((b) => b.id)).not.toContain("cli-preview");
  });

  it("stores specs (put, list, get, remove) and applies one with --spec-uri", async () => {
    const cluster = file(
      "cluster.json",
      doc("createCluster", { id: `${clusterId}-x`, config: { publicHostname: "127.0.0.1" } }),
    );
    const put = await run(["specs", "put", "x-cluster:1.0.0-stable", "-f", cluster, "--tags", "edge,cli"]);
    expect(put).toEqual({ code: 0, err: "", out: "spec x-cluster:1.0.0-stable stored (createCluster)" });
    expect(
      (await run(["specs", "put", "x-cluster:1.0.0-stable", "-f", cluster, "--tags", "edge,cli"])).out,
    ).toBe("spec x-cluster:1.0.0-stable unchanged (createCluster)");
    const conflict = await run(["specs", "put", "x-cluster:1.0.0-stable", "-f", service("other")]);
    expect(conflict.code).toBe(1);
    expect(conflict.err).toContain("already stored with different content");
    expect((await run(["specs", "put", "svc:2.0-beta", "-f", service("stored-svc")])).out).toBe(
      "spec svc:2.0-beta stored (template one-model-service:1.0.0-stable)",
    );

    const list = await run(["specs", "list"]);
    expect(list.out.split("\n")[0]).toMatch(/^SPEC\s+DOES\s+DESCRIPTION\s+TAGS\s+CREATED$/);
    expect(list.out).toMatch(/svc:2\.0-beta\s+template one-model-service:1\.0\.0-stable/);
    expect(list.out).toMatch(/x-cluster:1\.0\.0-stable\s+createCluster\s+-\s+edge,cli/);
    const filtered = await run([
      "specs",
      "list",
      "--filter",
      '{"variable":"tags","operator":"==","value":"edge"}',
      "-o",
      "json",
    ]);
    expect((JSON.parse(filtered.out) as { specURI: string }[]).map((s) => s.specURI)).toEqual([
      "x-cluster:1.0.0-stable",
    ]);
    const got = await run(["specs", "get", "x-cluster:1.0.0-stable", "--document"]);
    expect(JSON.parse(got.out)).toEqual(
      doc("createCluster", { id: `${clusterId}-x`, config: { publicHostname: "127.0.0.1" } }),
    );

    const applied = await run([
      "apply",
      "--spec-uri",
      "x-cluster:1.0.0-stable",
      "--spec-uri",
      "svc:2.0-beta",
    ]);
    expect(applied).toMatchObject({ code: 0, err: "" });
    expect(applied.out.split("\n")).toEqual([
      `spec x-cluster:1.0.0-stable: createCluster ${clusterId}-x: created`,
      "spec svc:2.0-beta: template one-model-service:1.0.0-stable: 3 documents",
      "spec svc:2.0-beta:   registerComponent model.stored-svc:1.0.0-stable: created",
      "spec svc:2.0-beta:   createBlock stored-svc: created",
      "spec svc:2.0-beta:   createvDAG stored-svc:1.0.0-stable: created",
    ]);
    const preview = await run(["expand", "--spec-uri", "x-cluster:1.0.0-stable"]);
    expect(JSON.parse(preview.out)).toEqual([
      doc("createCluster", { id: `${clusterId}-x`, config: { publicHostname: "127.0.0.1" } }),
    ]);

    expect((await run(["specs", "remove", "x-cluster:1.0.0-stable"])).out).toBe(
      "spec x-cluster:1.0.0-stable removed",
    );
    const gone = await run(["apply", "--spec-uri", "x-cluster:1.0.0-stable"]);
    expect(gone.code).toBe(1);
    expect(gone.err).toBe(
      'spec x-cluster:1.0.0-stable: specUri: spec "x-cluster:1.0.0-stable" was not found',
    );
  });

  it("refuses wrong arguments with the usage (exit 2)", async () => {
    for (const args of [
      ["apply", "--spec-uri", "svc:2.0-beta", "-f", service("both")],
      ["apply", "--spec-uri", "not-a-uri"],
      ["specs", "put", "svc:3.0-beta"],
      ["specs", "get"],
      ["specs", "frobnicate"],
    ]) {
      const r = await run(args);
      expect(r.code, args.join(" ")).toBe(2);
    }
    const both = await run(["apply", "--spec-uri", "svc:2.0-beta", "-f", service("both")]);
    expect(both.err).toContain("apply: give -f FILE or --spec-uri URI, not both");
    expect((await run(["apply", "--spec-uri", "not-a-uri"])).err).toContain(
      'apply --spec-uri: invalid URI "not-a-uri"',
    );
  });
});
