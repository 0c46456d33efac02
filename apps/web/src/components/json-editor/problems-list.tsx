import { AlertCircle, AlertTriangle } from "lucide-react";
import { cn } from "@/lib/cn";

export interface ListedProblem {
  path: string;
  message: string;
  /** "line 4" for a problem of the text as typed; none for the Parser's. */
  where?: string;
  severity?: "error" | "warning";
}

/**
 * Problems as a list of buttons: each names its field (`path`) and jumps to it in the editor when
 * chosen. `stale` dims problems found in an earlier version of the text.
 */
export function ProblemsList({
  problems,
  onSelect,
  stale,
  testId,
}: {
  problems: ListedProblem[];
  onSelect: (p: ListedProblem) => void;
  stale?: boolean;
  testId: string;
}) {
  return (
    <ul className={cn("space-y-1", stale && "opacity-60")} data-testid={testId}>
      {problems.map((p, i) => {
        const Icon = p.severity === "warning" ? AlertTriangle : AlertCircle;
        return (
          // biome-ignore lint/suspicious/noArrayIndexKey: the same path may carry several messages
          <li key={`${p.path}-${i}`}>
            <button
              type="button"
              onClick={() => onSelect(p)}
              className="flex w-full items-start gap-2 rounded-md px-2 py-1.5 text-left text-sm hover:bg-zinc-50 focus-visible:outline-2 focus-visible:outline-accent-500"
              data-testid="problem"
            >
              <Icon
                className={cn(
                  "mt-0.5 size-4 shrink-0",
                  p.severity === "warning" ? "text-amber-500" : "text-red-500",
                )}
                aria-hidden
              />
              <span className="min-w-0 flex-1">
                <span className="font-mono text-xs font-medium text-zinc-800" data-testid="problem-path">
                  {p.path || "(document)"}
                </span>
                <span className="ml-2 text-zinc-600">{p.message}</span>
              </span>
              {p.where ? <span className="shrink-0 text-xs text-zinc-400">{p.where}</span> : null}
            </button>
          </li>
        );
      })}
    </ul>
  );
}
