import { AlertTriangle } from "lucide-react";

/** Why the block's instances could not all be placed on its cluster's nodes (`placementProblem`). */
export function PlacementProblem({ problem }: { problem: string }) {
  return (
    <div
      role="alert"
      className="flex items-start gap-2 rounded-lg border border-amber-200 bg-amber-50 px-3 py-2 text-sm text-amber-900"
      data-testid="placement-problem"
    >
      <AlertTriangle className="mt-0.5 size-4 shrink-0" aria-hidden />
      <span>
        <span className="font-medium">Not every instance could be placed: </span>
        <span className="break-words">{problem}</span>
      </span>
    </div>
  );
}
