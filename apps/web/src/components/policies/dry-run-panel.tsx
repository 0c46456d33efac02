"use client";

import type { TDryRunResult } from "@aios/contracts";
import { FlaskConical, LoaderCircle, Play, RotateCcw } from "lucide-react";
import type { editor } from "monaco-editor";
import { GateReason } from "@/components/session/gate-reason";
import { useRoleGate } from "@/components/session/use-principal";
import { Button } from "@/components/ui/button";
import { cn } from "@/lib/cn";
import { DryRunResult } from "./dry-run-result";
import { Kbd, SHORTCUTS } from "./kbd";
import { MonacoEditor } from "./monaco/code-editor";
import { DRY_RUN_PATHS, type DryRunField } from "./monaco/dry-run-paths";
import { JSON_OPTIONS, type Monaco } from "./monaco/setup";

export type DryRunTexts = Record<DryRunField, string>;

const TABS: { field: DryRunField; label: string; hint: string }[] = [
  {
    field: "input",
    label: "Input",
    hint: "What eval receives: the kind's sample, or paste a recorded input",
  },
  { field: "settings", label: "Settings", hint: "ctx.settings (a JSON object)" },
  { field: "parameters", label: "Parameters", hint: "ctx.parameters (a JSON object)" },
];

/**
 * The dry-run side of the editor: JSON editors for the input, settings and parameters (all kept
 * mounted so each keeps its undo history), the Run button and what the last run answered.
 */
export function DryRunPanel({
  texts,
  onText,
  tab,
  onTab,
  inputProblem,
  onSample,
  onRun,
  pending,
  apiError,
  result,
  stale,
  onReveal,
  onEditorReady,
}: {
  texts: DryRunTexts;
  onText: (field: DryRunField, text: string) => void;
  tab: DryRunField;
  onTab: (field: DryRunField) => void;
  /** Why the texts could not be sent (not JSON, not an object). */
  inputProblem: string | undefined;
  onSample: () => void;
  onRun: () => void;
  pending: boolean;
  /** The call itself failed (API unreachable, refused request). */
  apiError: string | undefined;
  result: TDryRunResult | undefined;
  stale: boolean;
  onReveal: (line: number, column: number) => void;
  /** Stable: each editor's mount is reported once. */
  onEditorReady: (field: DryRunField, editor: editor.IStandaloneCodeEditor, monaco: Monaco) => void;
}) {
  // A dry run runs code: it needs the operator role.
  const gate = useRoleGate("operator");
  const active = TABS.find((t) => t.field === tab) ?? TABS[0];
  return (
    <aside
      className="flex min-h-0 flex-col border-l border-zinc-200 bg-white"
      aria-label="Dry run"
      data-testid="dry-run-panel"
    >
      <div className="flex items-center gap-2 border-b border-zinc-100 px-4 py-2.5">
        <FlaskConical className="size-4 text-accent-600" />
        <h3 className="text-sm font-semibold text-zinc-900">Dry run</h3>
        <span className="text-xs text-zinc-400">in the sandbox; nothing is stored</span>
      </div>
      <div className="flex items-center border-b border-zinc-100 px-2">
        <div role="tablist" aria-label="Dry-run values" className="flex">
          {TABS.map((t) => (
            <button
              key={t.field}
              type="button"
              role="tab"
              aria-selected={tab === t.field}
              aria-controls={`dry-run-${t.field}`}
              onClick={() => onTab(t.field)}
              className={cn(
                "-mb-px border-b-2 px-3 py-2 text-xs font-medium",
                tab === t.field
                  ? "border-accent-600 text-accent-700"
                  : "border-transparent text-zinc-500 hover:text-zinc-800",
              )}
              data-testid={`dry-run-tab-${t.field}`}
            >
              {t.label}
            </button>
          ))}
        </div>
        {tab === "input" ? (
          <Button size="sm" variant="ghost" className="ml-auto h-7 px-2 text-xs" onClick={onSample}>
            <RotateCcw />
            Sample
          </Button>
        ) : null}
      </div>
      <p className="px-4 pt-2 text-xs text-zinc-500">{active?.hint}</p>
      {TABS.map((t) => (
        <div
          key={t.field}
          id={`dry-run-${t.field}`}
          role="tabpanel"
          className={cn("mx-4 mt-2 h-60 shrink-0 overflow-hidden rounded-md border border-zinc-200", {
            hidden: tab !== t.field,
          })}
          data-testid={`dry-run-${t.field}`}
        >
          <MonacoEditor
            path={DRY_RUN_PATHS[t.field]}
            initial={texts[t.field]}
            onChange={(text) => onText(t.field, text)}
            onReady={(ed, m) => onEditorReady(t.field, ed, m)}
            options={JSON_OPTIONS}
            label={`Dry-run ${t.label.toLowerCase()} (JSON)`}
          />
        </div>
      ))}
      {inputProblem ? (
        <p role="alert" className="mx-4 mt-2 text-xs text-red-700" data-testid="dry-run-input-error">
          {inputProblem}
        </p>
      ) : null}
      <div className="px-4 py-3">
        <Button
          variant="primary"
          className="w-full"
          onClick={onRun}
          disabled={pending || gate.disabled}
          title={gate.reason}
          data-testid="dry-run-button"
        >
          {pending ? <LoaderCircle className="animate-spin" /> : <Play />}
          {pending ? "Running…" : "Dry run"}
          <Kbd keys={SHORTCUTS.run} className="ml-1 bg-white/15 text-white/90 ring-white/25" />
        </Button>
        <GateReason gate={gate} className="mt-1.5" />
      </div>
      <div className="min-h-0 flex-1 overflow-y-auto border-t border-zinc-100 px-4 py-3">
        {apiError ? (
          <p role="alert" className="text-sm text-red-700" data-testid="dry-run-api-error">
            The dry run could not run: {apiError}
          </p>
        ) : result ? (
          <DryRunResult result={result} stale={stale} onReveal={onReveal} />
        ) : (
          <p className="text-sm text-zinc-400" data-testid="dry-run-idle">
            Run the policy on the input to see its output, validation errors and logs.
          </p>
        )}
      </div>
    </aside>
  );
}
