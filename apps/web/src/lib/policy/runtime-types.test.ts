import { readdirSync, readFileSync } from "node:fs";
import { dirname } from "node:path";
import { POLICY_KIND_SCHEMAS, POLICY_KINDS } from "@aios/contracts";
import ts from "typescript";
import { describe, expect, it } from "vitest";
import { kindTypeName, POLICY_RUNTIME_LIB_PATH, policyRuntimeDeclarations } from "./runtime-types";

// The editor's setup (components/policies/monaco/setup.ts) with TypeScript's own compiler: the
// declarations must accept every example policy and template, and reject wrong outputs.
const OPTIONS: ts.CompilerOptions = {
  target: ts.ScriptTarget.ES2022,
  lib: ["lib.es2022.d.ts"],
  module: ts.ModuleKind.ESNext,
  moduleResolution: ts.ModuleResolutionKind.Node10,
  strict: true,
  noUncheckedIndexedAccess: true,
  noEmit: true,
  types: [],
};

const declarations = policyRuntimeDeclarations();
const libPath = POLICY_RUNTIME_LIB_PATH.replace("file://", "");

/** `line: message` of every diagnostic of `code` compiled as `/policy.ts`. */
function diagnose(code: string): string[] {
  const files = new Map([
    ["/policy.ts", code],
    [libPath, declarations],
  ]);
  const host = ts.createCompilerHost(OPTIONS);
  const real = { getSourceFile: host.getSourceFile, fileExists: host.fileExists, readFile: host.readFile };
  const directoryExists = host.directoryExists?.bind(host);
  host.getCurrentDirectory = () => "/";
  host.getSourceFile = (name, version, ...rest) => {
    const text = files.get(name);
    return text !== undefined
      ? ts.createSourceFile(name, text, version)
      : real.getSourceFile(name, version, ...rest);
  };
  host.fileExists = (name) => files.has(name) || real.fileExists(name);
  host.readFile = (name) => files.get(name) ?? real.readFile(name);
  host.directoryExists = (dir) =>
    [...files.keys()].some((f) => f.startsWith(`${dir}/`)) || (directoryExists?.(dir) ?? false);
  const program = ts.createProgram(["/policy.ts"], OPTIONS, host);
  return ts.getPreEmitDiagnostics(program).map((d) => {
    const line = d.file && d.start !== undefined ? d.file.getLineAndCharacterOfPosition(d.start).line + 1 : 0;
    return `${d.file?.fileName ?? ""}:${line}: TS${d.code} ${ts.flattenDiagnosticMessageText(d.messageText, "\n")}`;
  });
}

const EXAMPLES = new URL("../../../../../examples/policies/", import.meta.url);
const ROUND_ROBIN = readFileSync(new URL("round-robin.ts", EXAMPLES), "utf8");

describe("policyRuntimeDeclarations", () => {
  it("declares an Input and an Output type per kind, and the kind maps", () => {
    for (const kind of POLICY_KINDS) {
      expect(declarations).toContain(`export type ${kindTypeName(kind)}Input = `);
      expect(declarations).toContain(`export type ${kindTypeName(kind)}Output = `);
      expect(declarations).toContain(`  ${kind}: ${kindTypeName(kind)}Input;`);
    }
    expect(declarations).toContain("export declare function definePolicy<K extends PolicyKind");
    // The kinds whose eval may return nothing.
    expect(declarations).toMatch(/export type QualityCheckerOutput = \{[\s\S]*?\} \| undefined;/);
  });

  it("is itself free of errors", () => {
    expect(diagnose('import { definePolicy } from "@aios/policy-runtime";\nvoid definePolicy;\n')).toEqual(
      [],
    );
  });

  it.each(readdirSync(EXAMPLES).filter((f) => f.endsWith(".ts")))("accepts examples/policies/%s", (file) => {
    expect(diagnose(readFileSync(new URL(file, EXAMPLES), "utf8"))).toEqual([]);
  });

  it.each(POLICY_KINDS)("accepts the %s template", (kind) => {
    expect(diagnose(POLICY_KIND_SCHEMAS[kind].template)).toEqual([]);
  });

  it("checks eval's return value against the kind's output", () => {
    const broken = ROUND_ROBIN.replace("return { instanceId: instance.id };", "return { instanceId: 42 };");
    const evalLine = broken.split("\n").findIndex((l) => l.includes("eval(input")) + 1;
    const errors = diagnose(broken);
    expect(errors).toHaveLength(1);
    // A block-bodied method's inferred return type is compared as a whole, so TypeScript reports
    // it at `eval` (and, as in the repository's own typing, without excess-property checks).
    expect(errors[0]).toMatch(new RegExp(`^/policy\\.ts:${evalLine}: TS2322 `));
    expect(errors[0]).toMatch(/Type 'number' is not assignable to type 'string'\.$/);
  });

  it("types eval's input by the kind and its state by init", () => {
    const code = `import { definePolicy } from "@aios/policy-runtime";
export default definePolicy({
  kind: "autoscaler",
  init() {
    return { rounds: 0 };
  },
  eval(input, { state, log }) {
    state.rounds += input.currentInstances.length + input.blockData.maxInstances;
    state.missing = 1;
    const name: string = input.blockData.minInstances;
    log.info(name, input.anything);
    return { skip: true };
  },
});
`;
    const errors = diagnose(code);
    expect(errors).toHaveLength(2);
    expect(errors[0]).toMatch(/^\/policy\.ts:9: TS2339 Property 'missing' does not exist/);
    // Loose inputs take any key (as unknown); declared fields keep their types.
    expect(errors[1]).toMatch(/^\/policy\.ts:10: TS2322 Type 'number' is not assignable to type 'string'/);
  });

  it("rejects an unknown kind and sandbox-less globals", () => {
    const code = ROUND_ROBIN.replace('kind: "loadBalancer"', 'kind: "loadBalancr"').replace(
      "init() {",
      "init() {\n    setTimeout(() => {}, 1);\n    console.info('ok');",
    );
    const errors = diagnose(code).join("\n");
    expect(errors).toContain(`TS2820 Type '"loadBalancr"' is not assignable to type 'keyof PolicyInputs'`);
    expect(errors).toContain("TS2304 Cannot find name 'setTimeout'");
    expect(errors).not.toContain("console");
  });

  it("is registered under node_modules so that module resolution finds it", () => {
    expect(POLICY_RUNTIME_LIB_PATH).toBe("file:///node_modules/@aios/policy-runtime/index.d.ts");
    expect(dirname(libPath)).toBe("/node_modules/@aios/policy-runtime");
  });
});
