"use client";

import type { editor } from "monaco-editor";
import { useEffect, useRef } from "react";
import { EDITOR_OPTIONS, setupMonaco } from "../monaco/setup";

const monaco = setupMonaco();

export interface DiffStats {
  added: number;
  removed: number;
  /** Regions that differ. */
  changes: number;
}

function statsOf(changes: readonly editor.ILineChange[] | null): DiffStats {
  let added = 0;
  let removed = 0;
  for (const c of changes ?? []) {
    if (c.modifiedEndLineNumber >= c.modifiedStartLineNumber && c.modifiedEndLineNumber > 0) {
      added += c.modifiedEndLineNumber - c.modifiedStartLineNumber + 1;
    }
    if (c.originalEndLineNumber >= c.originalStartLineNumber && c.originalEndLineNumber > 0) {
      removed += c.originalEndLineNumber - c.originalStartLineNumber + 1;
    }
  }
  return { added, removed, changes: changes?.length ?? 0 };
}

/**
 * The two models every diff shows, created once and kept: a model disposed while the diff worker
 * still computes on it makes Monaco throw "no diff result available" (an uncaught error) when the
 * answer comes back empty. New texts are set on these models instead.
 */
let diffModels: { original: editor.ITextModel; modified: editor.ITextModel } | undefined;

function models() {
  // Under file:/// so that the policies' import of @aios/policy-runtime resolves.
  diffModels ??= {
    original: monaco.editor.createModel("", "typescript", monaco.Uri.parse("file:///diff/original.ts")),
    modified: monaco.editor.createModel("", "typescript", monaco.Uri.parse("file:///diff/modified.ts")),
  };
  return diffModels;
}

/**
 * Monaco's diff editor over two texts, read-only. Own wrapper rather than @monaco-editor/react's
 * DiffEditor, which disposes its models before the editor on unmount (Monaco then throws "TextModel
 * got disposed before DiffEditorWidget model got reset").
 */
export function CodeDiff({
  original,
  modified,
  sideBySide,
  onStats,
}: {
  original: string;
  modified: string;
  sideBySide: boolean;
  onStats: (stats: DiffStats) => void;
}) {
  const box = useRef<HTMLDivElement>(null);
  const diff = useRef<editor.IStandaloneDiffEditor | undefined>(undefined);
  const statsRef = useRef(onStats);
  useEffect(() => {
    statsRef.current = onStats;
  });

  useEffect(() => {
    if (!box.current) return;
    const ed = monaco.editor.createDiffEditor(box.current, {
      ...EDITOR_OPTIONS,
      readOnly: true,
      originalEditable: false,
      renderOverviewRuler: false,
      ignoreTrimWhitespace: false,
    });
    diff.current = ed;
    ed.setModel(models());
    const sub = ed.onDidUpdateDiff(() => statsRef.current(statsOf(ed.getLineChanges())));
    return () => {
      sub.dispose();
      ed.dispose();
      diff.current = undefined;
    };
  }, []);

  useEffect(() => {
    const m = models();
    if (m.original.getValue() !== original) m.original.setValue(original);
    if (m.modified.getValue() !== modified) m.modified.setValue(modified);
  }, [original, modified]);

  useEffect(() => {
    diff.current?.updateOptions({ renderSideBySide: sideBySide });
  }, [sideBySide]);

  return <div ref={box} className="h-full" data-testid="diff-editor" />;
}
