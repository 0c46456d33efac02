"use client";

import type { TPolicyRecord } from "@aios/contracts";
import { ArrowLeft, ArrowLeftRight, Columns2, PencilLine, Rows2 } from "lucide-react";
import Link from "next/link";
import { useState } from "react";
import { Button, buttonVariants } from "@/components/ui/button";
import { ErrorState } from "@/components/ui/error-state";
import { asString } from "@/lib/doc";
import { policyRoutes } from "@/lib/policy/routes";
import { defaultDiffPair } from "@/lib/policy/versions";
import { usePolicyVersions } from "../use-policy-versions";
import { VersionSelect } from "../version-select";
import { CodeDiff, type DiffStats } from "./code-diff";

const codeOf = (versions: readonly TPolicyRecord[], uri: string) =>
  asString(versions.find((v) => v.policyRuleURI === uri)?.doc.code) ?? "";

/**
 * Two versions of a policy side by side (or inline) in Monaco's diff editor; both come from
 * `policies.versions`, so picking another pair costs no request.
 */
export function PolicyDiff({ policy, original }: { policy: TPolicyRecord; original: string | undefined }) {
  const versions = usePolicyVersions(policy.name);
  const [picked, setPicked] = useState<{ original?: string; modified?: string }>(
    original ? { original, modified: policy.policyRuleURI } : {},
  );
  const [sideBySide, setSideBySide] = useState(true);
  const [stats, setStats] = useState<DiffStats>();
  const list = versions.data;
  const pair = list
    ? defaultDiffPair(
        list.map((v) => v.policyRuleURI),
        policy.policyRuleURI,
      )
    : undefined;
  const originalUri = picked.original ?? pair?.original ?? policy.policyRuleURI;
  const modifiedUri = picked.modified ?? pair?.modified ?? policy.policyRuleURI;
  const pick = (side: "original" | "modified") => (uri: string) =>
    setPicked({ original: originalUri, modified: modifiedUri, [side]: uri });

  return (
    <div className="flex h-[calc(100vh-3.5rem)] min-h-[30rem] flex-col" data-testid="policy-diff">
      <header className="flex flex-wrap items-center gap-x-4 gap-y-2 border-b border-zinc-200 bg-white px-5 py-2.5">
        <Link
          href={policyRoutes.detail(policy.policyRuleURI)}
          className="inline-flex items-center gap-1 text-sm text-zinc-500 hover:text-zinc-900"
        >
          <ArrowLeft className="size-3.5" />
          Policy
        </Link>
        <h2 className="text-base font-semibold text-zinc-900">
          Compare versions <span className="font-mono text-sm font-normal text-zinc-600">{policy.name}</span>
        </h2>
        <div className="flex items-center gap-2">
          <VersionSelect
            label="Original"
            versions={list}
            value={originalUri}
            onChange={pick("original")}
            testId="diff-original"
          />
          <Button
            size="icon"
            variant="ghost"
            aria-label="Swap the versions"
            title="Swap"
            onClick={() => setPicked({ original: modifiedUri, modified: originalUri })}
          >
            <ArrowLeftRight />
          </Button>
          <VersionSelect
            label="Modified"
            versions={list}
            value={modifiedUri}
            onChange={pick("modified")}
            testId="diff-modified"
          />
        </div>
        <span className="text-xs tabular-nums text-zinc-500" data-testid="diff-summary">
          {stats === undefined
            ? null
            : stats.changes === 0
              ? "No differences"
              : `+${stats.added} −${stats.removed} lines in ${stats.changes} ${stats.changes === 1 ? "change" : "changes"}`}
        </span>
        <div className="ml-auto flex items-center gap-2">
          <Button
            size="sm"
            onClick={() => setSideBySide((s) => !s)}
            aria-pressed={!sideBySide}
            title={sideBySide ? "Show the changes inline" : "Show the versions side by side"}
          >
            {sideBySide ? <Rows2 /> : <Columns2 />}
            {sideBySide ? "Inline" : "Side by side"}
          </Button>
          <Link
            href={policyRoutes.edit(modifiedUri)}
            className={buttonVariants({ size: "sm" })}
            title={`Open ${modifiedUri} in the editor`}
          >
            <PencilLine />
            Edit modified
          </Link>
        </div>
      </header>
      <div className="min-h-0 flex-1 bg-white">
        {list ? (
          <CodeDiff
            original={codeOf(list, originalUri)}
            modified={codeOf(list, modifiedUri)}
            sideBySide={sideBySide}
            onStats={setStats}
          />
        ) : versions.isError ? (
          <ErrorState
            error={versions.error}
            onRetry={() => void versions.refetch()}
            retrying={versions.isFetching}
          />
        ) : (
          <p className="p-5 text-sm text-zinc-400" role="status">
            Loading the versions…
          </p>
        )}
      </div>
    </div>
  );
}
