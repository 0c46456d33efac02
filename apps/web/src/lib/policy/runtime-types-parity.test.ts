import { readFileSync } from "node:fs";
import ts from "typescript";
import { describe, expect, it } from "vitest";
import { policyRuntimeDeclarations } from "./runtime-types";

/**
 * The console declares `@aios/policy-runtime` for the editor by hand next to the kinds' generated
 * types: its declarations must say what `packages/policy-runtime/src/define.ts` says, so a change
 * there that the editor would not know of fails here.
 */
const DEFINE = new URL("../../../../../packages/policy-runtime/src/define.ts", import.meta.url);

/** The contracts package's names for the kinds' types, as the declaration file names them. */
const RENAMES: Array<[RegExp, string]> = [
  [/\bTPolicyInput\b/g, "PolicyInput"],
  [/\bTPolicyOutput\b/g, "PolicyOutput"],
  [/\bTPolicyKind\b/g, "PolicyKind"],
];
const normalise = (text: string) =>
  RENAMES.reduce((t, [from, to]) => t.replace(from, to), text)
    .replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, "")
    .replace(/\s+/g, " ")
    .replace(/\s*([;,:<>(){}=|&?])\s*/g, "$1")
    .trim();

/** Every interface, type alias and function signature of a source text, by name. */
function declarationsOf(text: string): Map<string, string> {
  const file = ts.createSourceFile("d.ts", text, ts.ScriptTarget.ES2022, true);
  const found = new Map<string, string>();
  const params = (node: { typeParameters?: ts.NodeArray<ts.TypeParameterDeclaration> }) =>
    node.typeParameters?.map((p) => p.getText(file)).join(",") ?? "";
  for (const node of file.statements) {
    if (ts.isInterfaceDeclaration(node)) {
      const heritage = node.heritageClauses?.map((h) => h.getText(file)).join(" ") ?? "";
      const members = node.members.map((m) => m.getText(file)).join(";");
      found.set(node.name.text, normalise(`<${params(node)}>${heritage}{${members}}`));
    } else if (ts.isTypeAliasDeclaration(node)) {
      found.set(node.name.text, normalise(`<${params(node)}>${node.type.getText(file)}`));
    } else if (ts.isFunctionDeclaration(node) && node.name) {
      const args = node.parameters.map((p) => p.type?.getText(file) ?? "").join(",");
      found.set(node.name.text, normalise(`<${params(node)}>(${args})=>${node.type?.getText(file) ?? ""}`));
    }
  }
  return found;
}

describe("the editor's @aios/policy-runtime declarations", () => {
  const runtime = declarationsOf(readFileSync(DEFINE, "utf8"));
  const editor = declarationsOf(policyRuntimeDeclarations());

  it("declare every type and function of define.ts", () => {
    expect(runtime.size).toBeGreaterThanOrEqual(6);
    for (const name of runtime.keys()) expect(editor.has(name), `${name} is missing`).toBe(true);
  });

  it("declare each the same way define.ts does", () => {
    for (const [name, shape] of runtime) expect(editor.get(name), name).toBe(shape);
  });
});
