"use client";

import { AlertCircle, CheckCircle2, Loader2, WifiOff } from "lucide-react";
import { memo } from "react";
import { Badge } from "@/components/ui/badge";
import type { Problem } from "@/lib/vdag/problems";
import type { ServerCheck } from "./use-server-check";

function where(p: Problem): string {
  if (p.target.kind === "node") return `node ${p.target.id}${p.target.field ? ` · ${p.target.field}` : ""}`;
  if (p.target.kind === "edge") return `edge ${p.target.id.replace("->", " → ")}`;
  return p.path || "document";
}

/** Every problem with where it is; choosing one selects its node or edge on the canvas. */
export const ProblemsList = memo(function ProblemsList({
  problems,
  check,
  onPick,
}: {
  problems: Problem[];
  check: ServerCheck;
  onPick: (p: Problem) => void;
}) {
  return (
    <div className="flex max-h-48 min-h-0 flex-col border-t border-zinc-200 bg-white" data-testid="problems">
      <div className="flex items-center gap-2 border-b border-zinc-100 px-4 py-2 text-xs">
        <span className="font-semibold text-zinc-700">Problems</span>
        <Badge tone={problems.length ? "danger" : "success"} data-testid="problem-count">
          {problems.length}
        </Badge>
        <span
          className="ml-auto flex items-center gap-1.5 text-zinc-500"
          data-testid="server-check"
          data-status={check.status}
        >
          <ServerCheckLine check={check} />
        </span>
      </div>
      {problems.length === 0 ? (
        <p className="px-4 py-2 text-xs text-zinc-400">No problems found.</p>
      ) : (
        <ul className="min-h-0 overflow-y-auto py-1" aria-label="Problems">
          {problems.map((p, i) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: a problem has no identity beyond its place
            <li key={i}>
              <button
                type="button"
                onClick={() => onPick(p)}
                className="flex w-full items-start gap-2 px-4 py-1 text-left text-xs hover:bg-zinc-50 focus-visible:bg-accent-50 focus-visible:outline-none"
                data-testid="problem"
              >
                <AlertCircle className="mt-px size-3.5 shrink-0 text-red-600" />
                <span className="shrink-0 font-mono text-zinc-500">{where(p)}</span>
                <span className="min-w-0 flex-1 text-zinc-800">{p.message}</span>
                <span className="shrink-0 text-[10px] uppercase tracking-wide text-zinc-400">
                  {p.origin === "server" ? "API" : "schema"}
                </span>
              </button>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
});

function ServerCheckLine({ check }: { check: ServerCheck }) {
  switch (check.status) {
    case "idle":
      return <>API check waits for the schema problems to be fixed</>;
    case "checking":
      return (
        <>
          <Loader2 className="size-3.5 animate-spin" /> API checking the graph…
        </>
      );
    case "valid":
      return (
        <>
          <CheckCircle2 className="size-3.5 text-emerald-600" />
          API: graph valid · heads {check.heads.join(", ") || "—"} · tails {check.tails.join(", ") || "—"}
        </>
      );
    case "invalid":
      return (
        <>
          <AlertCircle className="size-3.5 text-red-600" /> API found {check.problems.length} problem
          {check.problems.length === 1 ? "" : "s"}
        </>
      );
    case "unavailable":
      return (
        <>
          <WifiOff className="size-3.5 text-amber-600" /> API check unavailable: {check.message}
        </>
      );
  }
}
