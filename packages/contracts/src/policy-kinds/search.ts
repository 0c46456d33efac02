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

/** The registries whose search takes a ranking policy: those searched over their spec documents. */
export const RANKED_REGISTRIES = ["clusters", "nodes", "components", "blocks", "vdags", "policies"] as const;
export type TRankedRegistry = (typeof RANKED_REGISTRIES)[number];

/** The key each ranked registry's records are told apart by (what its `get` takes). */
export const RANKED_REGISTRY_KEYS = {
  clusters: "id",
  nodes: "id",
  components: "componentURI",
  blocks: "id",
  vdags: "vdagURI",
  policies: "policyRuleURI",
} as const satisfies Record<TRankedRegistry, string>;

export const ZRankingInput = z.looseObject({
  /** Which registry was searched: clusters, nodes, components, blocks, vdags, policies. */
  registry: z.string().optional(),
  /** The filter query that produced the results, as submitted. */
  query: z.unknown().optional(),
  /** The matching records (at most MAX_RANKING_ROWS, in the registry's key order). */
  filterResult: z.array(ZFilterResultEntry),
  /** More rows matched than MAX_RANKING_ROWS: `filterResult` holds the first of them. */
  truncated: z.boolean().optional(),
});

export const ZRankingOutput = z.strictObject({
  /**
   * The entries to return, best first: a subset of `filterResult`, each told apart by its
   * registry's key (`id`, `componentURI`, `vdagURI`, `policyRuleURI`); the caller gets its own
   * records back in this order, so an entry may carry its key alone.
   */
  results: z.array(ZFilterResultEntry),
});

export const RANKING = {
  input: ZRankingInput,
  output: ZRankingOutput,
  description:
    "Run after a registry search's filter (`rankingPolicyRule`), and on a vDAG node's candidate blocks before its assignment policy: drops and reorders the matches, best first.",
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
