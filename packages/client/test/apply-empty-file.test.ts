import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "./cli-io";

const dir = mkdtempSync(join(tmpdir(), "aios-cli-empty-"));
const file = (name: string, text: string) => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};
// Never called: a file without documents is refused before the API is asked anything.
const API = "http://127.0.0.1:9";

describe("aios apply and validate of a file without documents", () => {
  it.each([
    ["an empty file", "empty.json", ""],
    ["whitespace", "blank.yaml", "  \n\n\t\n"],
    ["YAML comments only", "comments.yaml", "# nothing here yet\n---\n"],
    ["an empty JSON array", "none.json", "[]\n"],
  ])("refuses %s with an error naming the file, exit code 1", async (_, name, text) => {
    const path = file(name, text);
    for (const command of ["apply", "validate"]) {
      const r = await runCli(API, [command, "-f", path]);
      expect(r.code).toBe(1);
      expect(r.out).toBe("");
      expect(r.err).toBe(
        `error: ${path}: holds no spec documents (it is empty, or only whitespace, comments or an empty array)`,
      );
    }
  });

  it("refuses the whole run when one of several files is empty, applying none of them", async () => {
    const good = file("cluster.json", JSON.stringify({ header: { action: "createCluster" } }));
    const r = await runCli(API, ["apply", "-f", good, "-f", file("empty2.json", "")]);
    expect(r.code).toBe(1);
    expect(r.out).toBe("");
    expect(r.err).toContain("empty2.json: holds no spec documents");
  });
});
