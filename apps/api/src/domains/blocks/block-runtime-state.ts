import { asObject } from "../registry/doc";

/** What the runtime keeps about a block beside its spec, under `doc.runtime`. */
export interface BlockRuntimeState {
  /** Bumped at every change of desired state; each bump queues one reconcile job. */
  revision: number;
  statusReason?: string;
  /** Where the block's executor listens (reported by the agent). */
  executorEndpoint?: string | null;
  /**
   * The executor's data token (reported by the agent with its endpoint): what the data plane and
   * vDAG controllers send on its `/infer`. Never shown (`publicBlockDoc`).
   */
  executorDataToken?: string | null;
  /** The last status changes, newest last. */
  history?: Array<{ status: string; reason: string; at: string }>;
  /** A managed third-party system's init step: where it is, and what its install handed over. */
  init?: InitState;
  /** Why the last placement pass could not place every instance (null once it could). */
  placementProblem?: string | null;
}

export interface InitState {
  mode: "install" | "uninstall";
  stage: "begin" | "main" | "finish" | "failed";
  /** From the install's `finish`: given to every instance (e.g. the system's URL). */
  parameters: Record<string, unknown>;
  stages: Array<{ mode: string; stage: string; message?: string; at: string }>;
}

export function runtimeOf(doc: unknown): BlockRuntimeState {
  const r = asObject(asObject(doc).runtime);
  return {
    revision: typeof r.revision === "number" ? r.revision : 0,
    ...(typeof r.statusReason === "string" ? { statusReason: r.statusReason } : {}),
    ...(typeof r.executorEndpoint === "string" ? { executorEndpoint: r.executorEndpoint } : {}),
    ...(typeof r.executorDataToken === "string" ? { executorDataToken: r.executorDataToken } : {}),
    ...(Array.isArray(r.history) ? { history: r.history as BlockRuntimeState["history"] } : {}),
    ...(r.init && typeof r.init === "object" ? { init: r.init as InitState } : {}),
    ...(typeof r.placementProblem === "string" ? { placementProblem: r.placementProblem } : {}),
  };
}

/** A block's document as callers of the API see it: without the executor's data token. */
export function publicBlockDoc(doc: unknown): Record<string, unknown> {
  const d = asObject(doc);
  if (!d.runtime || typeof d.runtime !== "object") return d;
  const { executorDataToken: _secret, ...runtime } = asObject(d.runtime);
  return { ...d, runtime };
}

/** The allowed status changes of a block; anything else is refused (and logged by the caller). */
const NEXT: Record<string, string[]> = {
  pending: ["deploying", "running", "degraded", "failed", "removing"],
  deploying: ["running", "degraded", "failed", "removing"],
  running: ["degraded", "failed", "deploying", "removing"],
  degraded: ["running", "failed", "deploying", "removing"],
  failed: ["deploying", "running", "degraded", "removing"],
  removing: ["removed"],
  removed: [],
};

export const canMove = (from: string, to: string) => from === to || (NEXT[from] ?? []).includes(to);
