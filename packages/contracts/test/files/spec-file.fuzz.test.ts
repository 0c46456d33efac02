import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { fuzzRuns } from "../../../../scripts/fuzz-runs";
import { loadSpecFile, SpecFileError } from "../../src/files";
import { MAX_INPUT_DEPTH, unsafeInputIssue } from "../../src/index";
import { keyPath, placeAt, storableJson } from "../fuzz-arbitraries";

const runs = { numRuns: fuzzRuns(100) };
const dir = mkdtempSync(join(tmpdir(), "aios-fuzz-files-"));
let n = 0;
const file = (text: string, ext: string) => {
  const path = join(dir, `f${n++}.${ext}`);
  writeFileSync(path, text);
  return path;
};

/** What the CLI does with a file: documents, or a SpecFileError naming the file; anything else is a bug. */
function load(path: string) {
  try {
    const docs = loadSpecFile(path);
    for (const d of docs) expect(unsafeInputIssue(d.document)).toBeUndefined();
    return docs;
  } catch (err) {
    if (!(err instanceof SpecFileError)) throw err;
    expect(err.message.startsWith(path)).toBe(true);
    return err;
  }
}

/** JSON text with the escapes no store takes, a deep nesting, or a codePath to somewhere. */
const hostileJsonText = fc.oneof(
  fc
    .tuple(storableJson, keyPath, fc.constantFrom("\\u0000", "\\ud800", "\\udfff"))
    .map(([base, keys, esc]) => JSON.stringify(placeAt(base, keys, "§")).replace('"§"', `"a${esc}"`)),
  fc.integer({ min: MAX_INPUT_DEPTH, max: 5_000 }).map((d) => `{"a": ${"[".repeat(d)}${"]".repeat(d)}}`),
  fc.string({ maxLength: 12 }).map((p) => JSON.stringify({ body: { spec: { values: { codePath: p } } } })),
  fc.jsonValue().map((v) => JSON.stringify(v)),
);

describe("the CLI's spec files under random content", () => {
  it("reads any text as documents or refuses it with a SpecFileError naming the file", () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.string(), fc.string({ unit: "binary" }), hostileJsonText),
        fc.constantFrom("json", "yaml"),
        (text, ext) => {
          load(file(text, ext));
        },
      ),
      runs,
    );
  });

  it("refuses a NUL or lone surrogate escaped in JSON, naming the document and the field", () => {
    const err = load(
      file('{"header": {"action": "createBlock"}, "body": {"x": ["ok", "a\\u0000"]}}', "json"),
    );
    expect(err).toBeInstanceOf(SpecFileError);
    expect((err as Error).message).toMatch(/: body\.x\[1\]: contains a NUL character/);
    const yaml = load(file('a: ok\n---\nb: "\\ud800"\n', "yaml"));
    expect((yaml as Error).message).toMatch(/#1: b: contains a lone surrogate/);
  });

  it("refuses a YAML alias to no anchor as a SpecFileError", () => {
    expect((load(file("*!", "yaml")) as Error).message).toMatch(
      /document 1 is not valid YAML: Unresolved alias/,
    );
  });

  it("refuses a codePath it cannot read, naming the field", () => {
    const err = load(file(JSON.stringify({ body: { spec: { values: { codePath: "nope.ts" } } } }), "json"));
    expect((err as Error).message).toMatch(
      /: body\.spec\.values\.codePath: cannot read "nope\.ts": no such file$/,
    );
  });
});
