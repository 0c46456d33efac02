"use client";

import type { AppRouter } from "@aios/api/router";
import type { TSpecStoreRecord } from "@aios/contracts";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import type { inferRouterOutputs } from "@trpc/server";
import { Eye, Play } from "lucide-react";
import Link from "next/link";
import { issuesOf } from "@/components/json-editor/spec-check";
import { GateReason } from "@/components/session/gate-reason";
import { useRoleGate } from "@/components/session/use-principal";
import { Button } from "@/components/ui/button";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { CodeBlock } from "@/components/ui/code-block";
import { WarningAlert } from "@/components/ui/warning-alert";
import { routes } from "@/lib/routes";
import { isTemplated } from "@/lib/specs/spec-format";
import { useTRPC } from "@/trpc/react";

type Outcome = inferRouterOutputs<AppRouter>["parser"]["applySpec"];

/** Where what a document made is shown, by its action. */
const HREF: Record<string, ((target: string) => string) | undefined> = {
  registerComponent: routes.component,
  createCluster: routes.cluster,
  createBlock: routes.block,
  createvDAG: routes.vdag,
  createPolicy: routes.policy,
};

function Outcomes({ outcome }: { outcome: Outcome }) {
  const each = outcome.template?.outcomes ?? [outcome];
  return (
    <ul className="space-y-1 text-sm" data-testid="spec-outcomes">
      {each.map((o) => {
        const href = HREF[o.action]?.(o.target);
        const verb = o.dryRun ? "dry run" : o.created ? "created" : "unchanged";
        return (
          <li key={`${o.action}:${o.target}`} className="flex items-center gap-2">
            <span className="font-mono text-xs text-zinc-500">{o.action}</span>
            {href ? (
              <Link href={href} className="font-mono text-[13px] text-accent-700 hover:underline">
                {o.target}
              </Link>
            ) : (
              <span className="font-mono text-[13px]">{o.target}</span>
            )}
            <span className={o.created ? "text-emerald-700" : "text-zinc-500"}>{verb}</span>
          </li>
        );
      })}
    </ul>
  );
}

function Refusal({ error }: { error: { message: string } }) {
  const issues = issuesOf(error);
  return (
    <WarningAlert title="Refused:" testId="spec-refusal">
      {issues.length > 0 ? (
        <ul className="mt-1 space-y-0.5 font-mono text-xs">
          {issues.map((i) => (
            <li key={`${i.path}:${i.message}`}>
              {i.path ? `${i.path}: ` : ""}
              {i.message}
            </li>
          ))}
        </ul>
      ) : (
        error.message
      )}
    </WarningAlert>
  );
}

/**
 * Apply (`parser.applySpec` with the spec's URI) and, for a template's document, Preview: the
 * `Parser/V1` documents its template makes of it (`parser.expand`), applied by nothing. Operators.
 */
export function ApplySpec({ spec }: { spec: TSpecStoreRecord }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const gate = useRoleGate("operator");
  const expand = useMutation(trpc.parser.expand.mutationOptions());
  const apply = useMutation(
    trpc.parser.applySpec.mutationOptions({
      onSuccess: () => {
        // The preview was of what is now applied; what it made shows on every registry's page.
        expand.reset();
        return queryClient.invalidateQueries();
      },
    }),
  );
  const specUri = spec.specURI;
  const templated = isTemplated(spec);
  return (
    <Card>
      <CardHeader
        title="Apply"
        description={
          templated
            ? `Its template ${spec.templateUri} expands it into Parser/V1 documents, each applied in turn (idempotent: applying again changes nothing).`
            : "The Parser applies the document (idempotent: applying again changes nothing)."
        }
        actions={
          <>
            {templated ? (
              <Button
                size="sm"
                onClick={() => expand.mutate({ specUri })}
                disabled={gate.disabled || expand.isPending}
                title={gate.reason}
                data-testid="expand-spec"
              >
                <Eye />
                {expand.isPending ? "Expanding…" : "Preview"}
              </Button>
            ) : null}
            <Button
              size="sm"
              variant="primary"
              onClick={() => apply.mutate({ specUri })}
              disabled={gate.disabled || apply.isPending}
              title={gate.reason}
              data-testid="apply-stored-spec"
            >
              <Play />
              {apply.isPending ? "Applying…" : "Apply"}
            </Button>
          </>
        }
      />
      <CardBody className="space-y-3">
        <GateReason gate={gate} />
        {apply.data ? <Outcomes outcome={apply.data} /> : null}
        {apply.error ? <Refusal error={apply.error} /> : null}
        {expand.error ? <Refusal error={expand.error} /> : null}
        {expand.data ? (
          <div data-testid="spec-expansion">
            <p className="mb-2 text-xs text-zinc-500">
              {expand.data.documents.length} document(s) from {expand.data.templateUri}, not applied:
            </p>
            <CodeBlock value={expand.data.documents} />
          </div>
        ) : null}
        {!apply.data && !apply.error && !expand.data && !expand.error && !gate.reason ? (
          <p className="text-sm text-zinc-500">Nothing applied from this page yet.</p>
        ) : null}
      </CardBody>
    </Card>
  );
}
