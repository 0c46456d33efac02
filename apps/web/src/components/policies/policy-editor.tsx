"use client";

import "./policy-editor.css";
import { POLICY_KIND_SCHEMAS, type TPolicyKind, type TPolicyRecord } from "@aios/contracts";
import type { editor } from "monaco-editor";
import { useRouter } from "next/navigation";
import { useCallback, useEffect, useRef, useState } from "react";
import { asObject, asString } from "@/lib/doc";
import { registerJsonSchema } from "@/lib/monaco/json-schemas";
import { formatJson } from "@/lib/policy/json-text";
import { policyRoutes } from "@/lib/policy/routes";
import { policyInputJsonSchema } from "@/lib/policy/runtime-types";
import { sampleInputText } from "@/lib/policy/samples";
import { suggestNextVersion } from "@/lib/policy/versions";
import { useLeaveGuard } from "@/lib/use-leave-guard";
import { DryRunPanel, type DryRunTexts } from "./dry-run-panel";
import { EditorHeader } from "./editor-header";
import { MonacoEditor } from "./monaco/code-editor";
import { DRY_RUN_PATHS, type DryRunField } from "./monaco/dry-run-paths";
import { addShortcuts, RUN_ERROR_OWNER, replaceText, revealPosition, showRunError } from "./monaco/editing";
import { setupMonaco } from "./monaco/setup";
import { type Problem, ProblemsBar } from "./problems-bar";
import { SaveDialog, type SaveValues } from "./save-dialog";
import { readDryRunTexts, useDryRun } from "./use-dry-run";
import { usePolicyVersions } from "./use-policy-versions";
import { useSavePolicy } from "./use-save-policy";

const DISCARD = "Discard the unsaved changes?";

const monaco = setupMonaco();

/** What the editor opens: a stored version, or a new policy of a kind (from its template). */
export type EditorSource = { mode: "edit"; policy: TPolicyRecord } | { mode: "new"; kind: TPolicyKind };

const templateOf = (kind: TPolicyKind) => POLICY_KIND_SCHEMAS[kind].template;
const modelPath = (policy: TPolicyRecord | undefined) =>
  `file:///policies/${policy ? policy.policyRuleURI.replace(/[^\w.-]+/g, "_") : "new-policy"}.ts`;

/**
 * The policy editor: Monaco with the policy's TypeScript (typed by its kind), the TypeScript
 * problems under it, the dry-run panel beside it, and "Save as new version" / "Create policy".
 */
export function PolicyEditor({ source }: { source: EditorSource }) {
  const policy = source.mode === "edit" ? source.policy : undefined;
  const router = useRouter();
  const [kind, setKind] = useState<TPolicyKind>(source.mode === "edit" ? source.policy.kind : source.kind);
  const [baseline, setBaseline] = useState(() =>
    policy ? (asString(policy.doc.code) ?? "") : templateOf(kind),
  );
  const [code, setCode] = useState(baseline);
  const [problems, setProblems] = useState<Problem[]>([]);
  const [texts, setTexts] = useState<DryRunTexts>(() => ({
    input: sampleInputText(kind),
    settings: formatJson(policy?.doc.policySettings),
    parameters: formatJson(policy?.doc.policyParameters),
  }));
  const [tab, setTab] = useState<DryRunField>("input");
  const [saveOpen, setSaveOpen] = useState(false);
  const dryRun = useDryRun();
  const saving = useSavePolicy(policy);
  const versions = usePolicyVersions(policy?.name);

  const codeEditor = useRef<editor.IStandaloneCodeEditor | undefined>(undefined);
  const decorations = useRef<editor.IEditorDecorationsCollection | undefined>(undefined);
  const jsonEditors = useRef<Partial<Record<DryRunField, editor.IStandaloneCodeEditor>>>({});
  const [editorReady, setEditorReady] = useState(false);

  const runDryRun = () => {
    const field = dryRun.run(code, kind, texts);
    if (field) setTab(field);
  };
  const openSave = () => {
    saving.reset();
    setSaveOpen(true);
  };
  // Editors and the window call the latest handlers through this (their listeners are added once).
  const actions = useRef({ run: runDryRun, save: openSave });
  useEffect(() => {
    actions.current = { run: runDryRun, save: openSave };
  });

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (!(e.ctrlKey || e.metaKey) || e.defaultPrevented || saveOpen) return;
      if (e.key === "Enter") actions.current.run();
      else if (e.key.toLowerCase() === "s") actions.current.save();
      else return;
      e.preventDefault();
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [saveOpen]);

  // The input is checked against the kind's schema; settings and parameters against the policy's.
  const settingsSchema = asObject(policy?.doc.policySettingsSchema);
  const parametersSchema = asObject(policy?.doc.policyParametersSchema);
  useEffect(
    () =>
      registerJsonSchema(
        monaco,
        DRY_RUN_PATHS.input,
        `aios://policy-kinds/${kind}/input.json`,
        policyInputJsonSchema(kind),
      ),
    [kind],
  );
  useEffect(() => {
    if (!settingsSchema) return;
    return registerJsonSchema(monaco, DRY_RUN_PATHS.settings, "aios://policy/settings.json", settingsSchema);
  }, [settingsSchema]);
  useEffect(() => {
    if (!parametersSchema) return;
    return registerJsonSchema(
      monaco,
      DRY_RUN_PATHS.parameters,
      "aios://policy/parameters.json",
      parametersSchema,
    );
  }, [parametersSchema]);

  // The last run's error at its line, while the code is still what ran.
  const last = dryRun.last;
  const stale = last !== undefined && last.code !== code;
  useEffect(() => {
    const ed = codeEditor.current;
    if (!editorReady || !ed || !decorations.current) return;
    showRunError(monaco, ed, decorations.current, stale ? undefined : last?.result.error);
  }, [editorReady, last, stale]);

  const reveal = useCallback((line: number, column: number) => {
    setSaveOpen(false);
    revealPosition(codeEditor.current, line, column);
  }, []);

  const onCodeReady = useCallback((ed: editor.IStandaloneCodeEditor) => {
    codeEditor.current = ed;
    decorations.current = ed.createDecorationsCollection();
    addShortcuts(monaco, ed, actions);
    setEditorReady(true);
  }, []);
  const onJsonReady = useCallback((field: DryRunField, ed: editor.IStandaloneCodeEditor) => {
    jsonEditors.current[field] = ed;
    addShortcuts(monaco, ed, actions);
  }, []);
  const onMarkers = useCallback(
    (markers: editor.IMarker[]) => setProblems(markers.filter((m) => m.owner !== RUN_ERROR_OWNER)),
    [],
  );
  const onCode = useCallback((text: string) => setCode(text), []);
  const onText = useCallback(
    (field: DryRunField, text: string) => setTexts((t) => ({ ...t, [field]: text })),
    [],
  );

  const changeKind = (next: TPolicyKind) => {
    // Untouched starting points follow the kind; edited ones stay (the Template button replaces).
    if (code === templateOf(kind)) {
      replaceText(codeEditor.current, templateOf(next));
      setBaseline(templateOf(next));
    }
    if (texts.input === sampleInputText(kind)) replaceText(jsonEditors.current.input, sampleInputText(next));
    setKind(next);
    window.history.replaceState(null, "", policyRoutes.create(next));
  };

  const dirty = code !== baseline;
  useLeaveGuard(dirty, DISCARD);
  const switchVersion = (uri: string) => {
    if (uri === policy?.policyRuleURI) return;
    if (dirty && !window.confirm(DISCARD)) return;
    router.push(policyRoutes.edit(uri));
  };

  const saveInitial: SaveValues = policy
    ? {
        name: policy.name,
        version: suggestNextVersion(
          policy.version,
          versions.data?.map((v) => v.version),
        ),
        releaseTag: policy.releaseTag,
        description: policy.description ?? "",
        saveDefaults: false,
      }
    : { name: "", version: "1.0.0", releaseTag: "stable", description: "", saveDefaults: false };
  const onSave = (values: SaveValues) => {
    let defaults: { settings: Record<string, unknown>; parameters: Record<string, unknown> } | undefined;
    if (values.saveDefaults) {
      const read = readDryRunTexts(texts);
      if (!read.ok) {
        setSaveOpen(false);
        runDryRun();
        return;
      }
      defaults = read.values;
    }
    saving.save({ values, code, kind, defaults });
  };

  return (
    <div className="flex h-[calc(100vh-3.5rem)] min-h-[36rem] flex-col" data-testid="policy-editor">
      <EditorHeader
        policy={policy}
        kind={kind}
        onKind={changeKind}
        onTemplate={() => replaceText(codeEditor.current, templateOf(kind))}
        versions={versions.data}
        onVersion={switchVersion}
        dirty={dirty}
        onSave={openSave}
      />
      <div className="grid min-h-0 flex-1 grid-cols-[minmax(0,1fr)_28rem]">
        <div className="flex min-h-0 flex-col bg-white">
          <div className="min-h-0 flex-1" data-testid="code-editor">
            <MonacoEditor
              path={modelPath(policy)}
              initial={baseline}
              onChange={onCode}
              onReady={onCodeReady}
              onMarkers={onMarkers}
              label="Policy code (TypeScript)"
            />
          </div>
          <ProblemsBar problems={problems} onReveal={reveal} />
        </div>
        <DryRunPanel
          texts={texts}
          onText={onText}
          tab={tab}
          onTab={setTab}
          inputProblem={dryRun.problem?.message}
          onSample={() => replaceText(jsonEditors.current.input, sampleInputText(kind))}
          onRun={runDryRun}
          pending={dryRun.pending}
          apiError={dryRun.apiError}
          result={last?.result}
          stale={stale}
          onReveal={reveal}
          onEditorReady={onJsonReady}
        />
      </div>
      <SaveDialog
        open={saveOpen}
        onOpenChange={setSaveOpen}
        mode={policy ? "version" : "new"}
        initial={saveInitial}
        onSubmit={onSave}
        pending={saving.pending}
        error={saving.error}
        onRevealCode={reveal}
      />
    </div>
  );
}
