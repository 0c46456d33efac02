import { z } from "zod";
import { TEMPLATE_IMPORT, type TPolicyKindEntry, ZBlockCandidate, ZFilterResultEntry } from "./common";

/** Policies of the search server: vDAG node assignment and ranking of search results. */

// ---- assignment ---------------------------------------------------------------------------------

export const ZAssignmentInput = z.looseObject({
  vdagURI: z.string().optional(),
  /** The vDAG node being assigned a block. */
  nodeLabel: z.string().optional(),
  /** Blocks that matched the node's filter, with their live metrics. */
  filterResult: z.array(ZBlockCandidate),
});

/** The original returned a list with exactly one block; here the one block's id. */
export const ZAssignmentOutput = z.strictObject({
  blockId: z.string().min(1),
});

export const ASSIGNMENT = {
  input: ZAssignmentInput,
  output: ZAssignmentOutput,
  description:
    "Run when a vDAG is created, once per node without a manualBlockId: picks the block that serves the node among the filter's matches.",
  template: `${TEMPLATE_IMPORT}

// assignment: choose the block that will serve this vDAG node.
export default definePolicy({
  kind: "assignment",
  init() {
    return {};
  },
  eval(input, { log }) {
    const block = input.filterResult.find((b) => b.status === "running") ?? input.filterResult[0];
    if (!block) throw new Error("no block matches node " + (input.nodeLabel ?? "?"));
    return { blockId: block.id };
  },
});
`,
} satisfies TPolicyKindEntry;

// ---- ranking ------------------------------------------------------------------------------------

export const ZRankingInput = z.looseObject({
  /** Which registry was searched: clusters, nodes, components, blocks, vdags, policies. */
  registry: z.string().optional(),
  /** The filter query that produced the results, as submitted. */
  query: z.unknown().optional(),
  filterResult: z.array(ZFilterResultEntry),
});

export const ZRankingOutput = z.strictObject({
  /** The entries to return, best first (a subset of `filterResult`). */
  results: z.array(ZFilterResultEntry),
});

export const RANKING = {
  input: ZRankingInput,
  output: ZRankingOutput,
  description:
    "Run by the search server after a filter: drops and reorders the matches, best first, before they are returned.",
  template: `${TEMPLATE_IMPORT}

// ranking: reorder (and possibly drop) the search results, best first.
export default definePolicy({
  kind: "ranking",
  init() {
    return {};
  },
  eval(input, { settings }) {
    const limit = typeof settings.limit === "number" ? settings.limit : input.filterResult.length;
    return { results: input.filterResult.slice(0, limit) };
  },
});
`,
} satisfies TPolicyKindEntry;
