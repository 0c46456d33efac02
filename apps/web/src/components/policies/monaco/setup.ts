"use client";

import { BASE_EDITOR_OPTIONS, monaco } from "@/lib/monaco/setup";
import { POLICY_RUNTIME_LIB_PATH, policyRuntimeDeclarations } from "@/lib/policy/runtime-types";

export type Monaco = typeof monaco;

declare global {
  interface Window {
    /** The editor's Monaco, for the end-to-end tests (`aiosMonaco.editor.getModelMarkers({})`). */
    aiosMonaco?: Monaco;
  }
}

// ScriptTarget.ES2022 (9) exists in the bundled TypeScript 5.9 but not in Monaco's typings.
const ES2022 = 9 as monaco.typescript.ScriptTarget;

let configured = false;

/**
 * The console's Monaco (`@/lib/monaco/setup`: bundled, no CDN, one worker environment) with
 * TypeScript set up for policy modules: strict, ES2022 without DOM (the sandbox has no timers or
 * I/O), and the generated `@aios/policy-runtime` declarations where "node" module resolution finds
 * them from any model under file:///. Idempotent.
 */
export function setupMonaco(): Monaco {
  if (configured) return monaco;
  configured = true;
  const ts = monaco.typescript;
  ts.typescriptDefaults.setCompilerOptions({
    target: ES2022,
    lib: ["lib.es2022.d.ts"],
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.NodeJs,
    strict: true,
    noUncheckedIndexedAccess: true,
    noEmit: true,
    allowNonTsExtensions: true,
    types: [],
  });
  ts.typescriptDefaults.setDiagnosticsOptions({ noSemanticValidation: false, noSyntaxValidation: false });
  ts.typescriptDefaults.setEagerModelSync(true);
  ts.typescriptDefaults.addExtraLib(policyRuntimeDeclarations(), POLICY_RUNTIME_LIB_PATH);
  window.aiosMonaco = monaco;
  return monaco;
}

/** Options of the policy code editor (and the diff). */
export const EDITOR_OPTIONS: monaco.editor.IStandaloneEditorConstructionOptions = {
  ...BASE_EDITOR_OPTIONS,
  lineHeight: 20,
  renderLineHighlightOnlyWhenFocus: true,
};

/** The dry-run panel's small JSON editors. */
export const JSON_OPTIONS: monaco.editor.IStandaloneEditorConstructionOptions = {
  ...EDITOR_OPTIONS,
  lineNumbersMinChars: 3,
  glyphMargin: false,
  renderLineHighlight: "none",
};
