"use client";

import type { TDryRunResult } from "@aios/contracts";
import { CircleAlert, CircleCheck, CornerDownRight, History } from "lucide-react";
import type { ReactNode } from "react";
import { Badge, type BadgeTone } from "@/components/ui/badge";
import { CodeBlock } from "@/components/ui/code-block";
import { PolicyLogs } from "../policy-runs/policy-logs";

function Section({ title, children, testId }: { title: string; children: ReactNode; testId?: string }) {
  return (
    <section className="space-y-1.5" data-testid={testId}>
      <h4 className="text-xs font-medium uppercase tracking-wide text-zinc-400">{title}</h4>
      {children}
    </section>
  );
}

function summary(result: TDryRunResult): { tone: BadgeTone; text: string } {
  if (result.ok) return { tone: "success", text: "Passed" };
  if (result.error?.kind === "invalid_output") return { tone: "warning", text: "Invalid output" };
  if (result.error?.kind === "invalid_input") return { tone: "warning", text: "Invalid input" };
  return { tone: "danger", text: `${result.error?.kind ?? "failed"} error` };
}

/**
 * What a dry run answered: a summary, the error at its line (a button that reveals it in the
 * editor), validation errors, the output and the logs. `stale`: the code changed since.
 */
export function DryRunResult({
  result,
  stale,
  onReveal,
}: {
  result: TDryRunResult;
  stale: boolean;
  onReveal: (line: number, column: number) => void;
}) {
  const { tone, text } = summary(result);
  const error = result.error;
  return (
    <div className="space-y-4" data-testid="dry-run-result">
      <div className="flex items-center gap-2">
        <Badge tone={tone} data-testid="dry-run-status">
          {result.ok ? <CircleCheck className="size-3.5" /> : <CircleAlert className="size-3.5" />}
          {text}
        </Badge>
        {result.kind ? <span className="font-mono text-xs text-zinc-500">{result.kind}</span> : null}
        <span className="ml-auto text-xs tabular-nums text-zinc-400">{result.durationMs.toFixed(1)} ms</span>
      </div>
      {stale ? (
        <p className="flex items-center gap-1.5 text-xs text-amber-700" data-testid="dry-run-stale">
          <History className="size-3.5" />
          The code changed since this run.
        </p>
      ) : null}

      {error ? (
        <div
          role="alert"
          className="space-y-2 rounded-lg border border-red-200 bg-red-50 p-3 text-red-800"
          data-testid="dry-run-error"
        >
          <p className="whitespace-pre-wrap break-words font-mono text-xs">{error.message}</p>
          {error.line !== undefined ? (
            <button
              type="button"
              onClick={() => onReveal(error.line ?? 1, error.column ?? 1)}
              disabled={stale}
              className="inline-flex items-center gap-1 rounded text-xs font-medium text-red-700 underline-offset-2 hover:underline focus-visible:outline-2 focus-visible:outline-red-500 disabled:no-underline disabled:opacity-60"
              data-testid="dry-run-error-line"
            >
              <CornerDownRight className="size-3.5" />
              line {error.line}
              {error.column !== undefined ? `, column ${error.column}` : ""}
            </button>
          ) : null}
          {error.stack ? (
            <details className="text-xs">
              <summary className="cursor-pointer select-none text-red-700">Stack</summary>
              <pre className="mt-1 overflow-x-auto whitespace-pre font-mono text-[11px] text-red-900">
                {error.stack}
              </pre>
            </details>
          ) : null}
        </div>
      ) : null}

      {result.validationErrors.length > 0 ? (
        <Section title="Validation errors" testId="validation-errors">
          <ul className="space-y-1 text-xs">
            {result.validationErrors.map((v) => (
              <li key={`${v.path}:${v.message}`} className="rounded-md bg-amber-50 px-2 py-1 text-amber-900">
                <span className="font-mono font-medium">{v.path || "(root)"}</span>: {v.message}
              </li>
            ))}
          </ul>
        </Section>
      ) : null}

      <Section title="Output" testId="dry-run-output">
        {result.output !== undefined ? (
          <CodeBlock value={result.output} maxHeight="16rem" />
        ) : (
          <p className="text-xs text-zinc-400">No output.</p>
        )}
      </Section>

      <Section title={`Logs (${result.logs.length})`} testId="dry-run-logs">
        <PolicyLogs logs={result.logs} />
      </Section>
    </div>
  );
}
