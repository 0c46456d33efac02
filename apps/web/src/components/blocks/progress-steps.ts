/** The happy path of a new block, one step per status. */
export const PROGRESS_STEPS = [
  { status: "pending", label: "Pending", hint: "Stored; waiting for its cluster's agent" },
  { status: "deploying", label: "Deploying", hint: "The agent starts the executor and instances" },
  { status: "running", label: "Running", hint: "Healthy instances serve tasks" },
] as const;

export type StepState = "done" | "current" | "todo" | "failed";

const indexOf = (status: unknown) => PROGRESS_STEPS.findIndex((s) => s.status === status);

/** Indexes of the steps a block's status history (`doc.runtime.history`) went through. */
export function stepsInHistory(doc: unknown): number[] {
  const history = (doc as { runtime?: { history?: unknown } } | null | undefined)?.runtime?.history;
  if (!Array.isArray(history)) return [];
  return history.map((h) => indexOf((h as { status?: unknown } | null)?.status)).filter((i) => i >= 0);
}

/**
 * Each step's state for the block's current `status` (undefined while it loads). A status off the
 * happy path (failed, degraded, removing) fails the furthest step the history reached.
 */
export function stepStates(status: string | undefined, doc?: unknown): StepState[] {
  const at = indexOf(status);
  const last = PROGRESS_STEPS.length - 1;
  if (status === undefined) return PROGRESS_STEPS.map((_, i) => (i === 0 ? "current" : "todo"));
  if (at >= 0) {
    return PROGRESS_STEPS.map((_, i) =>
      i < at || (i === at && at === last) ? "done" : i === at ? "current" : "todo",
    );
  }
  const reached = Math.max(0, ...stepsInHistory(doc));
  return PROGRESS_STEPS.map((_, i) => (i < reached ? "done" : i === reached ? "failed" : "todo"));
}
