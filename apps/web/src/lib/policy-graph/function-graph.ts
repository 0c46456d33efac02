import type { TPolicyErrorInfo } from "@aios/contracts";

/**
 * A policy graph (execution type 5) as the console draws it: `{fnA: [fnB, fnC]}` sends fnA's output
 * to fnB and fnC. Nodes are functions, in the order they first appear; heads get the graph's input,
 * tails' outputs are its result. A run's trace colours the nodes.
 */

export interface FunctionGraph {
  nodes: string[];
  edges: { id: string; source: string; target: string }[];
  heads: string[];
  tails: string[];
}

export function functionGraph(graph: Record<string, readonly string[]>): FunctionGraph {
  const nodes: string[] = [];
  const seen = new Set<string>();
  const add = (fn: string) => {
    if (!seen.has(fn)) {
      seen.add(fn);
      nodes.push(fn);
    }
  };
  const edges: FunctionGraph["edges"] = [];
  const edgeIds = new Set<string>();
  for (const [source, targets] of Object.entries(graph)) {
    add(source);
    for (const target of targets) {
      add(target);
      const id = `${source}->${target}`;
      if (edgeIds.has(id)) continue;
      edgeIds.add(id);
      edges.push({ id, source, target });
    }
  }
  const consumers = new Set(edges.map((e) => e.target));
  const producers = new Set(edges.map((e) => e.source));
  return {
    nodes,
    edges,
    heads: nodes.filter((n) => !consumers.has(n)),
    tails: nodes.filter((n) => !producers.has(n)),
  };
}

/** One step of `graphs.execute`'s trace. */
export interface GraphStep {
  fn: string;
  ok: boolean;
  replica: number | null;
  durationMs: number;
  output?: unknown;
  error?: TPolicyErrorInfo;
}

export interface GraphRun {
  ok: boolean;
  failedAt: string | null;
  outputs: Record<string, unknown>;
  trace: GraphStep[];
}

export type StepStatus = "ok" | "error" | "not reached";

export interface StepState {
  status: StepStatus;
  replica: number | null;
  durationMs: number | null;
  /** Present when the step returned something (`undefined` is no output). */
  output: unknown;
  error: string | null;
}

/** Each function's part in a run: its step, or "not reached" when the run stopped before it. */
export function stepStates(run: GraphRun, nodes: readonly string[]): Map<string, StepState> {
  const steps = new Map(run.trace.map((s) => [s.fn, s]));
  return new Map(
    nodes.map((fn): [string, StepState] => {
      const s = steps.get(fn);
      if (!s)
        return [
          fn,
          { status: "not reached", replica: null, durationMs: null, output: undefined, error: null },
        ];
      return [
        fn,
        {
          status: s.ok ? "ok" : "error",
          replica: s.replica,
          durationMs: s.durationMs,
          output: s.output,
          error: s.error ? `${s.error.kind}: ${s.error.message}` : null,
        },
      ];
    }),
  );
}
