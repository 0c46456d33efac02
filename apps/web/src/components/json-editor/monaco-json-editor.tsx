"use client";

import Editor from "@monaco-editor/react";
import { useEffect, useId, useMemo, useRef } from "react";
import { useColorScheme } from "@/lib/charts/use-color-scheme";
import { jsonPathAt } from "@/lib/monaco/json-path";
import { registerJsonSchema } from "@/lib/monaco/json-schemas";
import { BASE_EDITOR_OPTIONS, monaco } from "@/lib/monaco/setup";
import type { EditorProblem, JsonEditorHandle, JsonEditorProps } from "./types";

const OPTIONS: monaco.editor.IStandaloneEditorConstructionOptions = {
  ...BASE_EDITOR_OPTIONS,
  fontFamily: "ui-monospace, SFMono-Regular, Menlo, Consolas, monospace",
  formatOnPaste: true,
  wordWrap: "on",
  lineNumbersMinChars: 3,
  padding: { top: 8, bottom: 8 },
};

function toProblem(model: monaco.editor.ITextModel, m: monaco.editor.IMarker): EditorProblem {
  const offset = model.getOffsetAt({ lineNumber: m.startLineNumber, column: m.startColumn });
  return {
    path: jsonPathAt(model.getValue(), offset),
    message: m.message,
    line: m.startLineNumber,
    column: m.startColumn,
    offset,
    severity: m.severity === monaco.MarkerSeverity.Error ? "error" : "warning",
  };
}

/**
 * Monaco on a JSON document, validated against `schema` as the user types (Monaco's JSON worker).
 * Loaded through `JsonEditor` only (browser only: Monaco needs `window`).
 */
export default function MonacoJsonEditor({
  value,
  onChange,
  schema,
  onProblems,
  onReady,
  onSubmit,
  height = "26rem",
  ariaLabel,
}: JsonEditorProps) {
  const id = useId().replace(/[^A-Za-z0-9]/g, "");
  const modelUri = useMemo(() => monaco.Uri.parse(`file:///aios/editor-${id}.json`).toString(), [id]);
  const theme = useColorScheme() === "dark" ? "vs-dark" : "vs";
  const editorRef = useRef<monaco.editor.IStandaloneCodeEditor | null>(null);
  // Latest callbacks for Monaco's listeners, which are registered once.
  const callbacks = useRef({ onProblems, onSubmit });
  callbacks.current = { onProblems, onSubmit };

  useEffect(() => {
    if (!schema) return;
    return registerJsonSchema(monaco, modelUri, schema.uri, schema.schema);
  }, [modelUri, schema]);

  const onMount = (editor: monaco.editor.IStandaloneCodeEditor) => {
    editorRef.current = editor;
    editor.addCommand(monaco.KeyMod.CtrlCmd | monaco.KeyCode.Enter, () => callbacks.current.onSubmit?.());
    const handle: JsonEditorHandle = {
      focus: () => editor.focus(),
      revealOffset: (offset) => {
        const model = editor.getModel();
        if (!model) return;
        const position = model.getPositionAt(offset);
        editor.setPosition(position);
        editor.revealPositionInCenterIfOutsideViewport(position);
        editor.focus();
      },
      format: () => void editor.getAction("editor.action.formatDocument")?.run(),
    };
    onReady?.(handle);
    // A text without problems never changes the markers: say so now rather than never.
    const model = editor.getModel();
    if (model) report(model, monaco.editor.getModelMarkers({ resource: model.uri }));
  };

  const report = (model: monaco.editor.ITextModel, markers: monaco.editor.IMarker[]) =>
    callbacks.current.onProblems?.(
      markers
        .filter((m) => m.severity >= monaco.MarkerSeverity.Warning)
        .map((m) => toProblem(model, m))
        .sort((a, b) => a.offset - b.offset),
    );

  const onValidate = (markers: monaco.editor.IMarker[]) => {
    const model = editorRef.current?.getModel();
    if (model) report(model, markers);
  };

  return (
    <Editor
      path={modelUri}
      defaultLanguage="json"
      value={value}
      onChange={(v) => onChange(v ?? "")}
      onMount={onMount}
      onValidate={onValidate}
      theme={theme}
      height={height}
      options={{ ...OPTIONS, ariaLabel }}
      loading={null}
    />
  );
}
