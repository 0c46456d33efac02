import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { inApplyOrder, loadSpecFile, SpecFileError } from "../../src/files";

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

  it("says which document is not valid YAML, and at which line", () => {
    const path = file("bad.yaml", "a: 1\n---\nb: c: d\n");
    expect(() => loadSpecFile(path)).toThrow(
      new SpecFileError(
        `${path}:3: document 2 is not valid JSON/YAML: Nested mappings are not allowed in compact mappings`,
      ),
    );
  });

  it("reads JSON documents one per line, or concatenated, as several documents", () => {
    const lines = file("docs.ndjson", '{"a":1}\n{"b":"x\\"}{"}\n\n[{"c":3}]\n');
    expect(loadSpecFile(lines).map((d) => d.document)).toEqual([{ a: 1 }, { b: 'x"}{' }, { c: 3 }]);
    expect(loadSpecFile(lines).map((d) => d.source)).toEqual([`${lines}#0`, `${lines}#1`, `${lines}#2`]);
    expect(loadSpecFile(file("glued.json", '{"a":1}{"b":2}')).map((d) => d.document)).toEqual([
      { a: 1 },
      { b: 2 },
    ]);
  });

  it("still reads YAML flow style that starts like JSON", () => {
    expect(loadSpecFile(file("flow.yaml", "{header: {action: createCluster}}\n"))[0]?.document).toEqual({
      header: { action: "createCluster" },
    });
  });

  it("names the file, the line and the document of invalid JSON", () => {
    const path = file("bad.ndjson", '{"a":1}\n{"b":2}\n{"c": 3 "d": 4}\n');
    const err = (() => {
      try {
        loadSpecFile(path);
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(SpecFileError);
    expect((err as Error).message).toBe(
      `${path}:3: document 3 is not valid JSON: Expected ',' or '}' after property value`,
    );
    expect(() => loadSpecFile(file("open.json", '{"a":1}\n{"b": [2}\n'))).toThrow(
      /open\.json:2: document 2 is not valid JSON: /,
    );
    expect(() => loadSpecFile(file("tail.json", '{"a":1}\n  42\n'))).toThrow(
      /tail\.json:2: expected a JSON object or array, found "42\\n"/,
    );
  });

  it("says so when the file cannot be read", () => {
    expect(() => loadSpecFile(join(dir, "absent.json"))).toThrow(
      /absent\.json: cannot read the file: no such file/,
    );
  });
});
