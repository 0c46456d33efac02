"use client";

import type { AppRouter } from "@aios/api/router";
import type { TSpecAction, TSpecError } from "@aios/contracts";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import type { inferRouterOutputs } from "@trpc/server";
import { CheckCircle2, ShieldCheck, WandSparkles } from "lucide-react";
import { type ReactNode, useMemo, useRef, useState } from "react";
import { GateReason } from "@/components/session/gate-reason";
import { useRoleGate } from "@/components/session/use-principal";
import { Button } from "@/components/ui/button";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { offsetOfPath } from "@/lib/monaco/json-path";
import { specDocumentJsonSchema, specSchemaUri } from "@/lib/monaco/spec-schema";
import { useTRPC } from "@/trpc/react";
import { type EditorProblem, JsonEditor, type JsonEditorHandle } from "./json-editor";
import { type ListedProblem, ProblemsList } from "./problems-list";
import { checkLocally, fitsInUrl, issuesOf, parseJson } from "./spec-check";

export type ApplyOutcome = inferRouterOutputs<AppRouter>["parser"]["applySpec"];

/** The Parser's last word on the text: from Validate, or from a refused Apply. */
type Check =
  | { kind: "valid"; text: string; action: string; local: boolean }
  | { kind: "invalid"; text: string; errors: TSpecError[]; message?: string };

/**
 * A spec document in a JSON editor: the action's JSON Schema checks it as it is typed, Validate
 * (or Ctrl+Enter) asks the API's Parser (`parser.validateSpec`), Apply sends it
 * (`parser.applySpec`). Every problem names its field and jumps to it when chosen.
 */
export function SpecEditor({
  action,
  initialText,
  title,
  description,
  applyLabel,
  onApplied,
  footer,
}: {
  action: TSpecAction;
  initialText: string;
  title: string;
  description?: ReactNode;
  applyLabel: string;
  onApplied: (outcome: ApplyOutcome) => void;
  /** Extra controls next to Apply (e.g. Cancel). */
  footer?: ReactNode;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [text, setText] = useState(initialText);
  const [typed, setTyped] = useState<EditorProblem[] | null>(null);
  const [check, setCheck] = useState<Check | null>(null);
  const editor = useRef<JsonEditorHandle | null>(null);
  const schema = useMemo(
    () => ({ uri: specSchemaUri(action), schema: specDocumentJsonSchema(action) }),
    [action],
  );
  const json = parseJson(text);

  const validate = useMutation({
    mutationFn: async (document: unknown) => {
      if (!fitsInUrl(document)) return { ...checkLocally(document), local: true };
      const verdict = await queryClient.fetchQuery(
        trpc.parser.validateSpec.queryOptions({ document }, { staleTime: 0, retry: false }),
      );
      return { ...verdict, local: false };
    },
    onSuccess: (verdict, document) => {
      const at = JSON.stringify(document);
      setCheck(
        verdict.valid
          ? { kind: "valid", text: at, action: verdict.action, local: verdict.local }
          : { kind: "invalid", text: at, errors: verdict.errors },
      );
    },
  });
  const apply = useMutation(
    trpc.parser.applySpec.mutationOptions({
      onSuccess: (outcome) => onApplied(outcome),
      onError: (error, input) =>
        setCheck({
          kind: "invalid",
          text: JSON.stringify(input.document),
          errors: issuesOf(error),
          message: error.message,
        }),
    }),
  );

  // Applying needs the operator role (validating does not).
  const gate = useRoleGate("operator");
  const runValidate = () => {
    if (json.ok) validate.mutate(json.value);
  };
  const reveal = (p: ListedProblem & { offset?: number }) => {
    const offset = p.offset ?? offsetOfPath(text, p.path);
    if (offset !== null) editor.current?.revealOffset(offset);
  };
  const stale = check !== null && (!json.ok || JSON.stringify(json.value) !== check.text);

  return (
    <Card className="overflow-hidden" data-testid="spec-editor">
      <CardHeader
        title={title}
        description={description}
        actions={
          <>
            <Button size="sm" variant="ghost" onClick={() => editor.current?.format()}>
              <WandSparkles />
              Format
            </Button>
            <Button
              size="sm"
              onClick={runValidate}
              disabled={!json.ok || validate.isPending}
              title="Ask the API's Parser (Ctrl+Enter)"
              data-testid="validate-spec"
            >
              <ShieldCheck />
              {validate.isPending ? "Validating…" : "Validate"}
            </Button>
          </>
        }
      />
      <CardBody className="space-y-4">
        <JsonEditor
          value={text}
          onChange={setText}
          schema={schema}
          onProblems={setTyped}
          onReady={(h) => {
            editor.current = h;
          }}
          onSubmit={runValidate}
          ariaLabel={`${action} document (JSON)`}
        />
        <p className="text-xs text-zinc-500">
          Checked against the {action} schema as you type. Ctrl+Enter validates with the API; Ctrl+M lets Tab
          leave the editor.
        </p>
        <section aria-labelledby="typed-problems" className="space-y-1.5">
          <h4 id="typed-problems" className="text-xs font-semibold uppercase tracking-wide text-zinc-500">
            As you type
          </h4>
          <TypedProblems typed={typed} json={json} onSelect={reveal} />
        </section>
        <section aria-labelledby="server-check" className="space-y-1.5" data-testid="server-check">
          <h4 id="server-check" className="text-xs font-semibold uppercase tracking-wide text-zinc-500">
            Parser check
          </h4>
          <ServerCheck check={check} stale={stale} onSelect={reveal} error={validate.error} />
        </section>
      </CardBody>
      <div className="flex items-center justify-end gap-2 border-t border-zinc-100 px-5 py-3">
        <GateReason gate={gate} />
        {footer}
        <Button
          variant="primary"
          onClick={() => json.ok && apply.mutate({ document: json.value })}
          disabled={!json.ok || apply.isPending || gate.disabled}
          title={gate.reason}
          data-testid="apply-spec"
        >
          {apply.isPending ? "Applying…" : applyLabel}
        </Button>
      </div>
    </Card>
  );
}

function TypedProblems({
  typed,
  json,
  onSelect,
}: {
  typed: EditorProblem[] | null;
  json: ReturnType<typeof parseJson>;
  onSelect: (p: ListedProblem & { offset?: number }) => void;
}) {
  if (typed === null) return <p className="text-sm text-zinc-400">Waiting for the editor…</p>;
  if (typed.length === 0 && json.ok) {
    return (
      <p className="flex items-center gap-1.5 text-sm text-emerald-700" data-testid="schema-ok">
        <CheckCircle2 className="size-4" aria-hidden />
        No problems
      </p>
    );
  }
  const problems: (ListedProblem & { offset?: number })[] = typed.map((p) => ({
    path: p.path,
    message: p.message,
    where: `line ${p.line}`,
    severity: p.severity,
    offset: p.offset,
  }));
  if (problems.length === 0 && !json.ok) problems.push({ path: "", message: json.message });
  return <ProblemsList problems={problems} onSelect={onSelect} testId="schema-problems" />;
}

function ServerCheck({
  check,
  stale,
  error,
  onSelect,
}: {
  check: Check | null;
  stale: boolean;
  error: unknown;
  onSelect: (p: ListedProblem) => void;
}) {
  if (error) {
    return (
      <p role="alert" className="text-sm text-red-700">
        {error instanceof Error ? error.message : String(error)}
      </p>
    );
  }
  if (!check) {
    return <p className="text-sm text-zinc-400">Not checked yet: Validate asks the API's Parser.</p>;
  }
  const note = stale ? (
    <p className="text-xs text-zinc-500">From the last check; the text changed since.</p>
  ) : null;
  if (check.kind === "valid") {
    return (
      <div className={stale ? "opacity-60" : undefined}>
        <p className="flex items-center gap-1.5 text-sm text-emerald-700" data-testid="server-valid">
          <CheckCircle2 className="size-4" aria-hidden />A valid {check.action} document
          {check.local ? " (checked in the browser: too large for a query)" : ""}
        </p>
        {note}
      </div>
    );
  }
  return (
    <div role="alert" className="space-y-1">
      {check.message && check.errors.length === 0 ? (
        <p className="text-sm text-red-700">{check.message}</p>
      ) : null}
      {check.errors.length > 0 ? (
        <ProblemsList problems={check.errors} onSelect={onSelect} stale={stale} testId="server-problems" />
      ) : null}
      {note}
    </div>
  );
}
