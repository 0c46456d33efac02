/** A problem Monaco's JSON worker found in the text, located by line and by spec path. */
export interface EditorProblem {
  /** `body.spec.values.componentType`; "" for the document itself. */
  path: string;
  message: string;
  line: number;
  column: number;
  offset: number;
  severity: "error" | "warning";
}

/** What a page may do with a mounted editor. */
export interface JsonEditorHandle {
  focus(): void;
  /** Puts the cursor at `offset` (a character index of the text), scrolls to it, focuses. */
  revealOffset(offset: number): void;
  format(): void;
}

export interface JsonEditorProps {
  value: string;
  onChange: (value: string) => void;
  /** The JSON Schema the text is checked against as it is typed; `uri` identifies it. */
  schema?: { uri: string; schema: unknown };
  /** The schema and syntax problems, each time Monaco re-validates. */
  onProblems?: (problems: EditorProblem[]) => void;
  onReady?: (handle: JsonEditorHandle) => void;
  /** Ctrl/Cmd+Enter in the editor. */
  onSubmit?: () => void;
  height?: string;
  ariaLabel: string;
}
