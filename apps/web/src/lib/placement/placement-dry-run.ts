import type { TPlacementDryRun } from "@aios/contracts";
import { asObject, asString } from "../doc";

export type PlacementRow = TPlacementDryRun["nodes"][number] & { chosen: boolean };

/** The choice of a placement dry run: a node (and GPUs), why none, or nothing (no cluster). */
export type PlacementChoice =
  | { kind: "node"; nodeId: string; gpus: number[] }
  | { kind: "problem"; problem: string }
  | { kind: "none" };

export function placementChoice(d: TPlacementDryRun): PlacementChoice {
  const c = d.choice;
  if (!c) return { kind: "none" };
  if ("problem" in c) return { kind: "problem", problem: c.problem };
  return { kind: "node", nodeId: c.nodeId, gpus: c.gpus ?? [] };
}

/** Every node of the dry run, the chosen one first, then by score (best first), then by id. */
export function placementRows(d: TPlacementDryRun): PlacementRow[] {
  const choice = placementChoice(d);
  const chosenId = choice.kind === "node" ? choice.nodeId : null;
  return d.nodes
    .map((n) => ({ ...n, chosen: n.nodeId === chosenId }))
    .sort(
      (a, b) => Number(b.chosen) - Number(a.chosen) || b.score - a.score || a.nodeId.localeCompare(b.nodeId),
    );
}

/** Why the block's instances could not all be placed (`doc.runtime.placementProblem`), or null. */
export function placementProblem(doc: unknown): string | null {
  const problem = asString(asObject(asObject(doc)?.runtime)?.placementProblem);
  return problem?.trim() ? problem : null;
}

/** GPU ids as the console shows them: "0, 2", or "—" for none. */
export const formatGpus = (gpus: number[]): string => (gpus.length ? gpus.join(", ") : "—");
