import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { inApplyOrder, loadSpecFile } from "../src/documents";

const dir = mkdtempSync(join(tmpdir(), "aios-docs-"));
const file = (name: string, text: string) => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};

describe("loadSpecFile", () => {
  it("reads a YAML stream of documents, numbering each source", () => {
    const path = file("two.yaml", "header: {action: createBlock}\n---\nheader: {action: createCluster}\n");
    const docs = loadSpecFile(path);
    expect(docs.map((d) => d.source)).toEqual([`${path}#0`, `${path}#1`]);
    expect(
      inApplyOrder(docs).map((d) => (d.document as { header: { action: string } }).header.action),
    ).toEqual(["createCluster", "createBlock"]);
  });

  it("reads a JSON array as several documents", () => {
    expect(loadSpecFile(file("arr.json", '[{"a":1},{"b":2}]')).map((d) => d.document)).toEqual([
      { a: 1 },
      { b: 2 },
    ]);
  });

  it("inlines a policy's codePath, relative to the spec file", () => {
    file("lb.ts", "export default 1;\n");
    const path = file(
      "policy.json",
      JSON.stringify({
        header: { action: "createPolicy" },
        body: { spec: { values: { name: "lb", codePath: "lb.ts" } } },
      }),
    );
    const doc = loadSpecFile(path)[0]!;
    expect((doc.document as { body: { spec: { values: unknown } } }).body.spec.values).toEqual({
      name: "lb",
      code: "export default 1;\n",
    });
  });

  it("says which document is not valid YAML", () => {
    expect(() => loadSpecFile(file("bad.yaml", "a: [1, 2\n"))).toThrow(
      /bad\.yaml: document 1 is not valid JSON\/YAML/,
    );
  });
});
