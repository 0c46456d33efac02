"use client";

import Editor from "@monaco-editor/react";
import type { editor } from "monaco-editor";
import { useMemo } from "react";
import { Skeleton } from "@/components/ui/skeleton";
import { EDITOR_OPTIONS, type Monaco, setupMonaco } from "./setup";

setupMonaco();

export type EditorReady = (editor: editor.IStandaloneCodeEditor, monaco: Monaco) => void;

const loading = <Skeleton className="m-4 h-40 w-[calc(100%-2rem)]" />;

/**
 * One Monaco editor over a model at `path` (its language from the extension: `.ts` gets the policy
 * TypeScript setup, `.json` the JSON schemas registered for that path). Uncontrolled: `initial`
 * fills a new model; `onChange` reports every edit; `onReady` hands out the editor for markers,
 * actions and reveals. The model is disposed on unmount.
 */
export function MonacoEditor({
  path,
  initial,
  onChange,
  onReady,
  onMarkers,
  options,
  label,
}: {
  path: string;
  initial: string;
  onChange: (value: string) => void;
  onReady?: EditorReady;
  onMarkers?: (markers: editor.IMarker[]) => void;
  options?: editor.IStandaloneEditorConstructionOptions;
  /** The accessible name of the editor's text area. */
  label: string;
}) {
  const merged = useMemo(() => ({ ...(options ?? EDITOR_OPTIONS), ariaLabel: label }), [options, label]);
  return (
    <Editor
      path={path}
      defaultValue={initial}
      defaultLanguage={path.endsWith(".json") ? "json" : "typescript"}
      options={merged}
      loading={loading}
      onChange={(v) => onChange(v ?? "")}
      onMount={onReady}
      onValidate={onMarkers}
    />
  );
}
