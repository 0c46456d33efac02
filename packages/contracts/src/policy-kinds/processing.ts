import { z } from "zod";
import { ZJsonObject } from "../specs/common";
import { TEMPLATE_IMPORT, type TPolicyKindEntry, ZPolicyBlock } from "./common";
import { ZAiosPacket } from "./packet";

/**
 * Per-task packet transforms run by the instance host around the component's `infer`:
 * vdagPreProcessing -> blockPreProcessing -> infer -> blockPostProcessing -> vdagPostProcessing.
 * Block policies belong to the block; vDAG policies to one node of a vDAG (only vDAG packets).
 */

// ---- block pre/post-processing ------------------------------------------------------------------

export const ZBlockProcessingInput = z.looseObject({
  packet: ZAiosPacket,
  blockData: ZPolicyBlock,
});

export const ZProcessingOutput = z.strictObject({ packet: ZAiosPacket });

const blockTemplate = (kind: string, comment: string, body: string) => `${TEMPLATE_IMPORT}

// ${kind}: ${comment}
export default definePolicy({
  kind: "${kind}",
  init() {
    return {};
  },
  eval(input, { settings, log }) {
${body}
  },
});
`;

export const BLOCK_PRE_PROCESSING = {
  input: ZBlockProcessingInput,
  output: ZProcessingOutput,
  description:
    "Run by every instance of the block on each task before the component's infer: may rewrite the packet.",
  template: blockTemplate(
    "blockPreProcessing",
    "rewrite each task's packet before the component sees it.",
    `    const data = { ...input.packet.data };
    return { packet: { ...input.packet, data } };`,
  ),
} satisfies TPolicyKindEntry;

export const BLOCK_POST_PROCESSING = {
  input: ZBlockProcessingInput,
  output: ZProcessingOutput,
  description:
    "Run by every instance of the block on each task after the component's infer: may rewrite the result packet.",
  template: blockTemplate(
    "blockPostProcessing",
    "rewrite the component's result packet before it leaves the block.",
    `    const data = { ...input.packet.data, blockId: input.blockData.id };
    return { packet: { ...input.packet, data } };`,
  ),
} satisfies TPolicyKindEntry;

// ---- vDAG pre/post-processing -------------------------------------------------------------------

const vdagContext = {
  packet: ZAiosPacket,
  vdagURI: z.string().min(1),
  /** The vDAG node this policy is attached to. */
  nodeLabel: z.string().min(1),
  /** The block serving that node. */
  blockId: z.string().min(1),
  /** The node's `modelParameters` from the vDAG spec. */
  modelParameters: ZJsonObject.optional(),
  /** The vDAG's compiled graph: node label -> labels of the nodes it feeds. */
  graph: z.record(z.string(), z.array(z.string())).optional(),
};

export const ZVdagPreProcessingInput = z.looseObject(vdagContext);

export const ZVdagPostProcessingInput = z.looseObject({
  ...vdagContext,
  /** Labels of the nodes this node feeds by default (its outgoing edges); empty at a tail. */
  next: z.array(z.string()),
});

export const ZVdagPostProcessingOutput = z.strictObject({
  packet: ZAiosPacket,
  /**
   * Conditional routing: the labels (a subset of `input.next`) the packet goes to. Absent: all of
   * `input.next`. Empty: none; the packet ends its walk here and becomes a result.
   */
  next: z.array(z.string().min(1)).optional(),
});

export const VDAG_PRE_PROCESSING = {
  input: ZVdagPreProcessingInput,
  output: ZProcessingOutput,
  description:
    "Run on each vDAG task when it reaches the node, before the block's own processing: may rewrite the packet.",
  template: `${TEMPLATE_IMPORT}

// vdagPreProcessing: adapt the packet to this vDAG node before its block processes it.
export default definePolicy({
  kind: "vdagPreProcessing",
  init() {
    return {};
  },
  eval(input, { log }) {
    const data = { ...input.packet.data, ...(input.modelParameters ?? {}) };
    return { packet: { ...input.packet, data } };
  },
});
`,
} satisfies TPolicyKindEntry;

export const VDAG_POST_PROCESSING = {
  input: ZVdagPostProcessingInput,
  output: ZVdagPostProcessingOutput,
  description:
    "Run on each vDAG task after the node's block produced its result: may rewrite the packet and choose which next nodes get it (conditional routing).",
  template: `${TEMPLATE_IMPORT}

// vdagPostProcessing: rewrite the node's result and pick which outgoing edges it follows.
export default definePolicy({
  kind: "vdagPostProcessing",
  init() {
    return {};
  },
  eval(input, { log }) {
    // Omitting next follows every outgoing edge; next: [] ends the walk here.
    return { packet: input.packet, next: input.next };
  },
});
`,
} satisfies TPolicyKindEntry;
