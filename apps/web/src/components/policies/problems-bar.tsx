"use client";

import { CircleAlert, CircleCheck, TriangleAlert } from "lucide-react";
import type { editor } from "monaco-editor";

/** MarkerSeverity.Error; Monaco's enum is not imported here to keep this file free of Monaco. */
const ERROR = 8;
const WARNING = 4;

export type Problem = Pick<
  editor.IMarker,
  "severity" | "message" | "startLineNumber" | "startColumn" | "owner" | "code"
>;

function codeOf(p: Problem): string {
  const code = typeof p.code === "object" ? p.code?.value : p.code;
  return code ? `TS${code}` : "";
}

/**
 * The TypeScript problems of the policy under the editor, errors first; each names its line and
 * reveals it when clicked.
 */
export function ProblemsBar({
  problems,
  onReveal,
}: {
  problems: Problem[];
  onReveal: (line: number, column: number) => void;
}) {
  const shown = problems
    .filter((p) => p.severity >= WARNING)
    .sort((a, b) => b.severity - a.severity || a.startLineNumber - b.startLineNumber);
  const errors = shown.filter((p) => p.severity >= ERROR).length;
  return (
    <div className="border-t border-zinc-200 bg-white" data-testid="problems">
      <div className="flex items-center gap-2 px-4 py-1.5 text-xs">
        {shown.length === 0 ? (
          <span className="inline-flex items-center gap-1.5 text-emerald-700" data-testid="problems-summary">
            <CircleCheck className="size-3.5" />
            No problems
          </span>
        ) : (
          <span className="inline-flex items-center gap-1.5 text-zinc-700" data-testid="problems-summary">
            <CircleAlert className="size-3.5 text-red-600" />
            {errors} {errors === 1 ? "error" : "errors"}, {shown.length - errors}{" "}
            {shown.length - errors === 1 ? "warning" : "warnings"}
          </span>
        )}
      </div>
      {shown.length > 0 ? (
        <ul className="max-h-28 overflow-y-auto border-t border-zinc-100 py-1">
          {shown.map((p) => (
            <li key={`${p.owner}:${p.startLineNumber}:${p.startColumn}:${p.message}`}>
              <button
                type="button"
                onClick={() => onReveal(p.startLineNumber, p.startColumn)}
                className="flex w-full items-start gap-2 px-4 py-1 text-left text-xs hover:bg-zinc-50 focus-visible:bg-zinc-50 focus-visible:outline-none"
                data-testid="problem"
              >
                {p.severity >= ERROR ? (
                  <CircleAlert className="mt-0.5 size-3.5 shrink-0 text-red-600" />
                ) : (
                  <TriangleAlert className="mt-0.5 size-3.5 shrink-0 text-amber-600" />
                )}
                <span className="shrink-0 font-mono text-zinc-500">
                  line {p.startLineNumber}:{p.startColumn}
                </span>
                <span className="min-w-0 truncate text-zinc-800" title={p.message}>
                  {p.message.split("\n")[0]}
                </span>
                <span className="ml-auto shrink-0 font-mono text-zinc-400">{codeOf(p)}</span>
              </button>
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}
