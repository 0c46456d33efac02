import { WarningAlert } from "@/components/ui/warning-alert";

/** Why the block's instances could not all be placed on its cluster's nodes (`placementProblem`). */
export function PlacementProblem({ problem }: { problem: string }) {
  return (
    <WarningAlert title="Not every instance could be placed:" testId="placement-problem">
      <span className="break-words">{problem}</span>
    </WarningAlert>
  );
}
