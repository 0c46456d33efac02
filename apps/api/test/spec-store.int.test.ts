import { resolve } from "node:path";
import { loadSpecFile } from "@aios/contracts/files";
import { beforeAll, describe, expect, it } from "vitest";
import { doc, rejection, useApi } from "./harness";

const examples = resolve(import.meta.dirname, "../../../examples");

describe("spec store", () => {
  const api = useApi();
  const clusterId = `specs-${Date.now().toString(36)}`;
  const cluster = doc("createCluster", { id: clusterId, config: { publicHostname: "127.0.0.1" } });
  const service = {
    header: { templateUri: "one-model-service:1.0.0-stable", parameters: { clusterId } },
    body: { name: "stored-svc", component: { program: "examples/components/echo/index.ts" }, replicas: 1 },
  };
  const put = (name: string, document: Record<string, unknown>, extra: Record<string, unknown> = {}) =>
    api.caller().specs.create({ name, version: "1.0.0", releaseTag: "stable", document, ...extra });

  beforeAll(async () => {
    for (const { document } of loadSpecFile(resolve(examples, "specs/policies.json"))) {
      const { name } = (document as { body: { spec: { values: { name: string } } } }).body.spec.values;
      if (name === "one-model-service") await api.caller().parser.applySpec({ document });
    }
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

  it("stores a version once: the same content is unchanged, other content a conflict naming the URI", async () => {
    const first = await put("edge-cluster", cluster, { description: "the edge", tags: ["edge"] });
    expect(first.created).toBe(true);
    expect(first.spec).toMatchObject({
      specURI: "edge-cluster:1.0.0-stable",
      templateUri: "Parser/V1",
      action: "createCluster",
      description: "the edge",
      tags: ["edge"],
      document: cluster,
      createdBy: null,
    });
    const again = await put("edge-cluster", cluster, { description: "the edge", tags: ["edge"] });
    expect(again).toEqual({ created: false, spec: first.spec });
    const other = await rejection(put("edge-cluster", cluster, { description: "changed" }));
    expect(other.code).toBe("CONFLICT");
    expect(other.message).toBe(
      "spec edge-cluster:1.0.0-stable is already stored with different content; versions are immutable, store a new version",
    );
  });

  it("checks the document as the Parser would, naming the field under document", async () => {
    const bad = doc("createBlock", { blockComponentURI: "model.echo:1.0.0-stable", minInstances: "two" });
    const err = await rejection(put("bad-block", bad));
    expect(err.code).toBe("BAD_REQUEST");
    expect(err.message).toContain("invalid spec document: document.body.spec.values.minInstances");
    const unknown = await rejection(
      put("no-template", { header: { templateUri: "nope:1.0.0-stable" }, body: {} }),
    );
    expect(unknown.code).toBe("NOT_FOUND");
    expect(unknown.message).toBe(
      'template "nope:1.0.0-stable" was not found (field document.header.templateUri)',
    );
    const wrongUri = await rejection(put("bad:name", cluster));
    expect(wrongUri.code).toBe("BAD_REQUEST");
    await expect(api.caller().specs.get({ specURI: "bad-block:1.0.0-stable" })).rejects.toThrow(
      /was not found/,
    );
  });

  it("lists, gets and searches stored specs", async () => {
    const stored = await put("one-svc", service, { tags: ["svc"] });
    expect(stored.spec).toMatchObject({ templateUri: "one-model-service:1.0.0-stable", action: null });
    const list = await api.caller().specs.list();
    expect(list.map((s) => s.specURI)).toEqual(["edge-cluster:1.0.0-stable", "one-svc:1.0.0-stable"]);
    expect(await api.caller().specs.get({ specURI: "one-svc:1.0.0-stable" })).toEqual(stored.spec);
    const templated = await api.caller().specs.search({
      filter: { variable: "templateUri", operator: "!=", value: "Parser/V1" },
    });
    expect(templated.map((s) => s.specURI)).toEqual(["one-svc:1.0.0-stable"]);
    const byDocument = await api.caller().specs.search({
      filter: { variable: "document.header.action", operator: "==", value: "createCluster" },
    });
    expect(byDocument.map((s) => s.specURI)).toEqual(["edge-cluster:1.0.0-stable"]);
    const secret = await rejection(
      api.caller().specs.search({ filter: { variable: "password", operator: "==", value: "x" } }),
    );
    expect(secret.message).toContain('"password" is not a filterable variable of specs');
  });

  it("applies a stored spec by URI, a template's too, and expands one without applying it", async () => {
    const cluster2 = doc("createCluster", { id: `${clusterId}-b`, config: { publicHostname: "127.0.0.1" } });
    await put("second-cluster", cluster2);
    const applied = await api.caller().parser.applySpec({ specUri: "second-cluster:1.0.0-stable" });
    expect(applied).toMatchObject({ action: "createCluster", target: `${clusterId}-b`, created: true });
    const audit = await api.services.audit.recent(5);
    expect(audit.find((e) => e.action === "parser.createCluster")?.decision).toMatchObject({
      specUri: "second-cluster:1.0.0-stable",
    });

    const preview = await api.caller().parser.expand({ specUri: "one-svc:1.0.0-stable" });
    expect(preview.documents.map((d) => d.header.action)).toEqual([
      "registerComponent",
      "createBlock",
      "createvDAG",
    ]);
    expect(await api.caller().blocks.list()).toEqual([]);
    const expanded = await api.caller().parser.applySpec({ specUri: "one-svc:1.0.0-stable" });
    expect(expanded.template?.outcomes.map((o) => [o.target, o.created])).toEqual([
      ["model.stored-svc:1.0.0-stable", true],
      ["stored-svc", true],
      ["stored-svc:1.0.0-stable", true],
    ]);
    expect((await api.caller().blocks.get({ id: "stored-svc" })).clusterId).toBe(clusterId);
  });

  it("names a missing stored spec, and takes a document or a specUri but not both", async () => {
    const missing = await rejection(api.caller().parser.applySpec({ specUri: "nothing:1.0.0-stable" }));
    expect(missing.code).toBe("NOT_FOUND");
    expect(missing.message).toBe('spec "nothing:1.0.0-stable" was not found (field specUri)');
    const both = await rejection(
      api.caller().parser.applySpec({ document: cluster, specUri: "edge-cluster:1.0.0-stable" }),
    );
    expect(both.code).toBe("BAD_REQUEST");
    expect(both.message).toContain("give the document, or the specUri of a stored spec");
    const neither = await rejection(api.caller().parser.applySpec({}));
    expect(neither.code).toBe("BAD_REQUEST");
  });

  it("removes a version: it is gone, what was applied from it stays, its URI may be stored again", async () => {
    const removed = await api.caller().specs.remove({ specURI: "second-cluster:1.0.0-stable" });
    expect(removed.specURI).toBe("second-cluster:1.0.0-stable");
    const gone = await rejection(api.caller().specs.get({ specURI: "second-cluster:1.0.0-stable" }));
    expect(gone.code).toBe("NOT_FOUND");
    expect(await api.caller().clusters.get({ id: `${clusterId}-b` })).toMatchObject({ id: `${clusterId}-b` });
    const twice = await rejection(api.caller().specs.remove({ specURI: "second-cluster:1.0.0-stable" }));
    expect(twice.code).toBe("NOT_FOUND");
    expect((await put("second-cluster", cluster)).created).toBe(true);
  });
});
