/**
 * Monaco for the console, loaded from the bundle (never the CDN default of @monaco-editor/react).
 * Browser only: import this from a component loaded with `next/dynamic(..., { ssr: false })`.
 *
 *     import { monaco } from "@/lib/monaco/setup";   // side effect: workers + loader configured
 */
import { loader } from "@monaco-editor/react";
import * as monaco from "monaco-editor";
import { installMonacoEnvironment } from "./environment";

installMonacoEnvironment();
loader.config({ monaco });

export { monaco };

/**
 * Options every editor of the console shares. `editContext: false`: Chromium's EditContext input
 * drops characters under synthetic typing and loses Space next to React Flow; the hidden textarea
 * does neither.
 */
export const BASE_EDITOR_OPTIONS: monaco.editor.IStandaloneEditorConstructionOptions = {
  editContext: false,
  automaticLayout: true,
  minimap: { enabled: false },
  scrollBeyondLastLine: false,
  fixedOverflowWidgets: true,
  fontSize: 13,
  tabSize: 2,
  renderLineHighlight: "line",
  scrollbar: { alwaysConsumeMouseWheel: false },
};
