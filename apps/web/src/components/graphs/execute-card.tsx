"use client";

import { useMutation } from "@tanstack/react-query";
import { Play } from "lucide-react";
import { type FormEvent, useId, useState } from "react";
import { formatMs } from "@/components/blocks/executor-status";
import { PolicyError } from "@/components/policy-runs/policy-error";
import { GateReason } from "@/components/session/gate-reason";
import { useRoleGate } from "@/components/session/use-principal";
import { StatusBadge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { CodeBlock } from "@/components/ui/code-block";
import { CELL, type Column, DataTable } from "@/components/ui/data-table";
import { FormError, Textarea } from "@/components/ui/input";
import { errorText } from "@/lib/policy/api-issues";
import { parseJson } from "@/lib/policy/json-text";
import type { GraphRun, GraphStep } from "@/lib/policy-graph/function-graph";
import { useTRPC } from "@/trpc/react";

const STEP_COLUMNS: Column<GraphStep>[] = [
  { header: "Function", cell: (s) => s.fn, className: CELL.key },
  { header: "Status", cell: (s) => <StatusBadge status={s.ok ? "ok" : "failed"} /> },
  { header: "Replica", cell: (s) => s.replica ?? "—", className: CELL.number },
  { header: "Duration", cell: (s) => formatMs(s.durationMs), className: CELL.number },
  {
    header: "Output or error",
    className: "max-w-md truncate font-mono text-xs text-zinc-600",
    title: (s) => (s.error ? s.error.message : JSON.stringify(s.output)),
    cell: (s) => (s.error ? `${s.error.kind}: ${s.error.message}` : JSON.stringify(s.output)),
  },
];

/**
 * Executes the graph once (`graphs.execute`): the heads get the JSON input, each function its
 * producer's output (several producers: `{inputs: [...]}`). Shows the tails' outputs and every step;
 * the run goes up to the page, which draws it on the graph.
 */
export function ExecuteCard({
  graphURI,
  run,
  onRun,
}: {
  graphURI: string;
  run: GraphRun | null;
  onRun: (run: GraphRun | null) => void;
}) {
  const trpc = useTRPC();
  const inputId = useId();
  const [input, setInput] = useState('{"key":"a"}');
  const [inputError, setInputError] = useState<string | null>(null);
  const gate = useRoleGate("operator");
  const execute = useMutation(
    trpc.graphs.execute.mutationOptions({ onMutate: () => onRun(null), onSuccess: (r) => onRun(r) }),
  );
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const parsed = parseJson(input, "the input");
    setInputError(parsed.ok ? null : parsed.message);
    if (!parsed.ok) return execute.reset();
    execute.mutate({ graphURI, input: parsed.value });
  };
  const failed = run?.trace.find((s) => !s.ok);
  return (
    <Card className="overflow-hidden" data-testid="execute-card">
      <CardHeader
        title="Execute"
        description="Runs every function once, producers first; the result is each tail's output."
      />
      <CardBody className="space-y-3">
        <form onSubmit={submit} className="space-y-3">
          <label htmlFor={inputId} className="block text-xs font-medium text-zinc-600">
            Input (JSON)
          </label>
          <Textarea
            id={inputId}
            rows={3}
            value={input}
            onChange={(e) => setInput(e.target.value)}
            spellCheck={false}
            data-testid="execute-input"
          />
          <Button
            type="submit"
            variant="primary"
            size="sm"
            disabled={execute.isPending || gate.disabled}
            title={gate.reason}
            data-testid="execute"
          >
            <Play />
            {execute.isPending ? "Executing…" : "Execute"}
          </Button>
          <GateReason gate={gate} />
        </form>
        {inputError || execute.isError ? (
          <FormError testId="execute-error">{inputError ?? errorText(execute.error)}</FormError>
        ) : null}
        {run ? (
          <div className="space-y-3" data-testid="execute-result">
            <p className="flex flex-wrap items-center gap-2 text-sm text-zinc-600">
              <StatusBadge status={run.ok ? "succeeded" : "failed"} testId="execute-status" />
              {run.failedAt ? (
                <span>
                  stopped at <span className="font-mono">{run.failedAt}</span>
                </span>
              ) : null}
            </p>
            {failed?.error ? <PolicyError error={failed.error} testId="execute-step-error" /> : null}
            {run.ok ? <CodeBlock value={run.outputs} maxHeight="16rem" testId="execute-outputs" /> : null}
            <DataTable
              rows={run.trace}
              columns={STEP_COLUMNS}
              rowKey={(s) => s.fn}
              testIdPrefix="step-row-"
            />
          </div>
        ) : null}
      </CardBody>
    </Card>
  );
}
