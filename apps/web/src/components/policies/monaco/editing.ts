"use client";

import type { editor } from "monaco-editor";
import type { Monaco } from "./setup";

/** Owner of the markers a dry run's error puts on the code (TypeScript's are "typescript"). */
export const RUN_ERROR_OWNER = "dry-run";

/** Replaces the whole text as one undoable edit (unlike `setValue`, which drops the undo stack). */
export function replaceText(ed: editor.IStandaloneCodeEditor | undefined, text: string): void {
  const model = ed?.getModel();
  if (!ed || !model || model.getValue() === text) return;
  ed.pushUndoStop();
  ed.executeEdits("aios", [{ range: model.getFullModelRange(), text, forceMoveMarkers: true }]);
  ed.pushUndoStop();
}

/** Scrolls to a position, puts the cursor there and focuses the editor. */
export function revealPosition(ed: editor.IStandaloneCodeEditor | undefined, line: number, column = 1): void {
  if (!ed) return;
  const position = { lineNumber: line, column };
  ed.revealPositionInCenter(position);
  ed.setPosition(position);
  ed.focus();
}

export interface RunError {
  kind: string;
  message: string;
  line?: number | undefined;
  column?: number | undefined;
}

/**
 * Shows a dry run's error at its line: a red squiggle from the column to the end of the line (a
 * marker, so it also has a hover) and the whole line tinted with a bar in the gutter. Without an
 * error (or without a line) both are cleared.
 */
export function showRunError(
  monaco: Monaco,
  ed: editor.IStandaloneCodeEditor,
  decorations: editor.IEditorDecorationsCollection,
  error: RunError | undefined,
): void {
  const model = ed.getModel();
  if (!model) return;
  if (error?.line === undefined) {
    monaco.editor.setModelMarkers(model, RUN_ERROR_OWNER, []);
    decorations.clear();
    return;
  }
  const line = Math.min(Math.max(1, error.line), model.getLineCount());
  const end = model.getLineMaxColumn(line);
  let start = Math.min(Math.max(1, error.column ?? 1), end);
  if (start >= end - 1) start = model.getLineFirstNonWhitespaceColumn(line) || 1;
  monaco.editor.setModelMarkers(model, RUN_ERROR_OWNER, [
    {
      severity: monaco.MarkerSeverity.Error,
      source: "dry run",
      message: `${error.kind} error: ${error.message}`,
      startLineNumber: line,
      startColumn: start,
      endLineNumber: line,
      endColumn: Math.max(end, start + 1),
    },
  ]);
  decorations.set([
    {
      range: new monaco.Range(line, 1, line, 1),
      options: {
        isWholeLine: true,
        className: "policy-run-error-line",
        linesDecorationsClassName: "policy-run-error-gutter",
      },
    },
  ]);
}

/** Ctrl/Cmd+Enter runs, Ctrl/Cmd+S saves, from inside an editor (which keeps those keys). */
export function addShortcuts(
  monaco: Monaco,
  ed: editor.IStandaloneCodeEditor,
  actions: { current: { run: () => void; save: () => void } },
): void {
  const { KeyMod, KeyCode } = monaco;
  ed.addAction({
    id: "aios.policy.dryRun",
    label: "Dry run the policy",
    keybindings: [KeyMod.CtrlCmd | KeyCode.Enter],
    run: () => actions.current.run(),
  });
  ed.addAction({
    id: "aios.policy.save",
    label: "Save the policy",
    keybindings: [KeyMod.CtrlCmd | KeyCode.KeyS],
    run: () => actions.current.save(),
  });
}
