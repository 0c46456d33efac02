import { type TProtocolTemplate, ZProtocolTemplate } from "@aios/contracts";
import type { Db } from "@aios/db";
import { type ModelTensors, type TensorSpec, tensorsOfProtocol } from "@aios/inference-protocol";
import type { BlockService } from "../../domains/blocks/block.service";
import type { BlockLifecycle } from "../../domains/blocks/block-lifecycle.service";
import type { ComponentService } from "../../domains/components/component.service";
import type { VdagService } from "../../domains/vdags/vdag.service";
import { NotFoundError } from "../../errors";

/** What resolving a model reads. */
export interface ModelDeps {
  db: Db;
  blocks: BlockService;
  components: ComponentService;
  vdags: VdagService;
  blockLifecycle: BlockLifecycle;
}

/**
 * A model of the Open Inference Protocol: a block (named by its id) or a vDAG (named by its URI,
 * `text-pipeline:1.0.0-stable`, or by its name with the version apart).
 */
export interface InferenceModel {
  kind: "block" | "vdag";
  /** The block's id or the vDAG's URI: what access checks and the data plane name. */
  target: string;
  /** The model's name as answers give it (the block's id, the vDAG's URI). */
  name: string;
  /** A block's component version (`1.0.0-stable`); a vDAG's own. */
  version: string;
  platform: "aios-block" | "aios-vdag";
  tensors: ModelTensors;
}

/** How long a resolved model is kept: blocks may change component, so not long. */
const RESOLVED_TTL_MS = 2_000;

/**
 * Names to models, for the REST and gRPC frontends alike. A name with a ':' is a vDAG's URI; any
 * other is a block's id, else the newest vDAG of that name (or `name:version` when a version is
 * given). A version given must be the model's (404 otherwise). Resolutions are kept 2 s.
 */
export function createInferenceModels(services: ModelDeps) {
  const resolved = new Map<string, { at: number; model: InferenceModel }>();

  const componentTensors = async (componentURI: string) => {
    const doc = (await services.components.get(componentURI)).doc;
    return {
      inputs: tensorsOfProtocol(protocolOf(doc.componentInputProtocol)),
      outputs: tensorsOfProtocol(protocolOf(doc.componentOutputProtocol)),
    };
  };

  const blockModel = async (blockId: string): Promise<InferenceModel | null> => {
    const block = await services.blocks.get(blockId).catch(notFoundAsNull);
    if (!block || block.status === "removed") return null;
    return {
      kind: "block",
      target: block.id,
      name: block.id,
      version: block.componentURI.slice(block.componentURI.lastIndexOf(":") + 1),
      platform: "aios-block",
      tensors: await componentTensors(block.componentURI),
    };
  };

  const vdagModel = async (vdagURI: string): Promise<InferenceModel | null> => {
    const vdag = await services.vdags.get(vdagURI).catch(notFoundAsNull);
    if (!vdag || vdag.status === "removed") return null;
    return {
      kind: "vdag",
      target: vdag.vdagURI,
      name: vdag.vdagURI,
      version: `${vdag.version}-${vdag.releaseTag}`,
      platform: "aios-vdag",
      tensors: await vdagTensors(services, vdag.vdagURI, vdag.doc, componentTensors),
    };
  };

  const newestVdagNamed = async (name: string) => {
    const row = await services.db.vdag.findFirst({
      where: { vdagName: name, status: { not: "removed" } },
      orderBy: { createdAt: "desc" },
      select: { vdagURI: true },
    });
    return row ? vdagModel(row.vdagURI) : null;
  };

  const find = async (name: string, version: string | undefined): Promise<InferenceModel | null> => {
    if (name.includes(":")) return vdagModel(name);
    const block = await blockModel(name);
    if (block) return block;
    return version ? vdagModel(`${name}:${version}`) : newestVdagNamed(name);
  };

  return {
    /** The model of `name` (and `version` when given); NotFoundError naming both otherwise. */
    async resolve(name: string, version?: string): Promise<InferenceModel> {
      const key = `${name}\u0000${version ?? ""}`;
      const kept = resolved.get(key);
      if (kept && Date.now() - kept.at < RESOLVED_TTL_MS) return kept.model;
      const model = await find(name, version);
      if (!model || (version !== undefined && version !== model.version)) {
        throw new NotFoundError("model", version ? `${name}/versions/${version}` : name);
      }
      if (resolved.size > 1_000) resolved.clear();
      resolved.set(key, { at: Date.now(), model });
      return model;
    },

    /** A block is ready while it runs (an executor answers for it), a vDAG while it is active. */
    async ready(model: InferenceModel): Promise<boolean> {
      if (model.kind === "vdag") return (await services.vdags.get(model.target)).status === "active";
      const block = await services.blocks.get(model.target);
      if (block.status !== "running" && block.status !== "degraded") return false;
      return services.blockLifecycle.executor(model.target).then(
        () => true,
        () => false,
      );
    },
  };
}

export type InferenceModels = ReturnType<typeof createInferenceModels>;

const notFoundAsNull = (err: unknown) => {
  if (err instanceof NotFoundError) return null;
  throw err;
};

function protocolOf(value: unknown): TProtocolTemplate | undefined {
  const parsed = ZProtocolTemplate.safeParse(value);
  return parsed.success ? parsed.data : undefined;
}

/**
 * A vDAG's tensors: its own `vdagInputProtocol`/`vdagOutputProtocol`, else those of its heads
 * (each head takes the request) and of its tails (their outputs), each node's own `inputProtocol`/
 * `outputProtocol` before its block's component's. Fields of several heads or tails are listed once.
 */
async function vdagTensors(
  services: ModelDeps,
  vdagURI: string,
  doc: Record<string, unknown>,
  componentTensors: (uri: string) => Promise<ModelTensors>,
): Promise<ModelTensors> {
  const own = {
    inputs: tensorsOfProtocol(protocolOf(doc.vdagInputProtocol)),
    outputs: tensorsOfProtocol(protocolOf(doc.vdagOutputProtocol)),
  };
  if (own.inputs && own.outputs) return own;
  const plan = await services.vdags.plan(vdagURI);
  if (!plan) return own;
  const nodeSpecs = new Map<string, Record<string, unknown>>();
  for (const node of Array.isArray(doc.nodes) ? doc.nodes : []) {
    const values = (node as { spec?: { values?: Record<string, unknown> } })?.spec?.values;
    if (typeof values?.nodeLabel === "string") nodeSpecs.set(values.nodeLabel, values);
  }
  const side = async (labels: string[], which: "inputs" | "outputs") => {
    const lists: (TensorSpec[] | null)[] = [];
    for (const label of labels) {
      const key = which === "inputs" ? "inputProtocol" : "outputProtocol";
      const fromNode = tensorsOfProtocol(protocolOf(nodeSpecs.get(label)?.[key]));
      if (fromNode) {
        lists.push(fromNode);
        continue;
      }
      const blockId = plan.assignment[label] ?? plan.nodes[label]?.blockId;
      const block = blockId ? await services.blocks.get(blockId).catch(notFoundAsNull) : null;
      lists.push(block ? (await componentTensors(block.componentURI))[which] : null);
    }
    return unionOf(lists);
  };
  return {
    inputs: own.inputs ?? (await side(plan.heads, "inputs")),
    outputs: own.outputs ?? (await side(plan.tails, "outputs")),
  };
}

/** Every tensor of the lists, the first of each name kept; null when any list is null (undeclared). */
function unionOf(lists: (TensorSpec[] | null)[]): TensorSpec[] | null {
  if (lists.length === 0 || lists.some((l) => l === null)) return null;
  const out = new Map<string, TensorSpec>();
  for (const list of lists) for (const t of list ?? []) if (!out.has(t.name)) out.set(t.name, t);
  return [...out.values()];
}
