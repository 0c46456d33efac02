"use client";

import { POLICY_KINDS, type TPolicyKind, type TPolicyRecord } from "@aios/contracts";
import { ArrowLeft, FileCode2, GitCompareArrows, Save } from "lucide-react";
import Link from "next/link";
import { GateReason } from "@/components/session/gate-reason";
import { useRoleGate } from "@/components/session/use-principal";
import { Badge } from "@/components/ui/badge";
import { Button, buttonVariants } from "@/components/ui/button";
import { policyRoutes } from "@/lib/policy/routes";
import { Kbd, SHORTCUTS } from "./kbd";
import { VersionSelect } from "./version-select";

/**
 * The editor's top row: back link, what is edited (URI, kind, version switcher; for a new policy
 * the kind picker), the unsaved-changes mark, Compare versions and Save (Dry run is in its panel).
 */
export function EditorHeader({
  policy,
  kind,
  onKind,
  onTemplate,
  versions,
  onVersion,
  dirty,
  onSave,
}: {
  policy: TPolicyRecord | undefined;
  kind: TPolicyKind;
  onKind: (kind: TPolicyKind) => void;
  onTemplate: () => void;
  versions: TPolicyRecord[] | undefined;
  onVersion: (policyRuleURI: string) => void;
  dirty: boolean;
  onSave: () => void;
}) {
  const gate = useRoleGate("operator");
  return (
    <header className="flex flex-wrap items-center gap-x-4 gap-y-2 border-b border-zinc-200 bg-white px-5 py-2.5">
      <Link
        href={policy ? policyRoutes.detail(policy.policyRuleURI) : "/policies"}
        className="inline-flex items-center gap-1 text-sm text-zinc-500 hover:text-zinc-900"
      >
        <ArrowLeft className="size-3.5" />
        {policy ? "Policy" : "Policies"}
      </Link>
      <h2 className="flex min-w-0 items-center gap-2 text-base font-semibold text-zinc-900">
        {policy ? "Edit" : "New policy"}
        {policy ? (
          <span className="truncate font-mono text-sm font-normal text-zinc-600" data-testid="editor-uri">
            {policy.policyRuleURI}
          </span>
        ) : null}
      </h2>
      {policy ? (
        <>
          <Badge tone="accent" className="font-mono">
            {kind}
          </Badge>
          <VersionSelect
            label="Version"
            versions={versions}
            value={policy.policyRuleURI}
            onChange={onVersion}
            testId="editor-version-select"
          />
        </>
      ) : (
        <>
          <label className="inline-flex items-center gap-1.5 text-xs text-zinc-500">
            Kind
            <select
              value={kind}
              onChange={(e) => onKind(e.target.value as TPolicyKind)}
              className="h-8 rounded-md border border-zinc-200 bg-white px-2 font-mono text-xs text-zinc-800 shadow-xs outline-none focus:border-accent-500 focus:ring-2 focus:ring-accent-100"
              data-testid="editor-kind-select"
            >
              {POLICY_KINDS.map((k) => (
                <option key={k} value={k}>
                  {k}
                </option>
              ))}
            </select>
          </label>
          <Button
            size="sm"
            variant="ghost"
            onClick={onTemplate}
            title="Replace the code with the kind's template"
          >
            <FileCode2 />
            Template
          </Button>
        </>
      )}
      {dirty ? (
        <span className="inline-flex items-center gap-1.5 text-xs text-amber-700" data-testid="unsaved">
          <span className="size-1.5 rounded-full bg-amber-500" aria-hidden />
          Unsaved changes
        </span>
      ) : null}
      <div className="ml-auto flex items-center gap-2">
        {policy ? (
          <Link
            href={policyRoutes.diff(policy.policyRuleURI)}
            className={buttonVariants({ size: "sm" })}
            data-testid="compare-versions"
          >
            <GitCompareArrows />
            Compare versions
          </Link>
        ) : null}
        <Button
          size="sm"
          variant="primary"
          onClick={onSave}
          disabled={gate.disabled}
          title={gate.reason}
          data-testid="save-button"
        >
          <Save />
          {policy ? "Save as new version" : "Create policy"}
          <Kbd keys={SHORTCUTS.save} className="bg-white/15 text-white/90 ring-white/25" />
        </Button>
        <GateReason gate={gate} />
      </div>
    </header>
  );
}
