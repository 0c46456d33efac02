import { createHash } from "node:crypto";
import type { TAiosPacket, TInstancePolicy, TVdagNodeRuntime } from "@aios/contracts";
import type { PolicyInstance } from "@aios/policy-runtime";
import type { Logger } from "@aios/service-kit";
import { InstanceError } from "./errors";
import { evalPolicy, loadProcessingPolicy, policyLoadError } from "./processing";

export type VdagSlot = "vdag_pre_processing" | "vdag_post_processing";

const SLOTS = {
  vdag_pre_processing: { field: "preprocessing", kind: "vdagPreProcessing" },
  vdag_post_processing: { field: "postprocessing", kind: "vdagPostProcessing" },
} as const satisfies Record<VdagSlot, { field: keyof TVdagNodeRuntime; kind: string }>;

/** Loaded vDAG node policies kept per instance, least recently used dropped past it. */
export const DEFAULT_VDAG_POLICY_CACHE_SIZE = 64;

interface Entry {
  ready: Promise<PolicyInstance>;
  /** Tasks using the instance now; an evicted entry is disposed when the last one finishes. */
  users: number;
  evicted: boolean;
}

/**
 * The vDAG node policies an instance has loaded. Their code travels with every task, so each
 * distinct policy (URI + code, settings and parameters) is compiled and loaded once, on its first
 * task, and kept warm: a later task costs one warm eval. Concurrent first tasks share one
 * load. A failed load is not kept (the next task tries again).
 */
export class VdagPolicyCache {
  private readonly entries = new Map<string, Entry>();
  /** Loads started (each one compiles and loads a policy); for tests and diagnostics. */
  loads = 0;
  private disposed = false;

  constructor(
    readonly maxSize = DEFAULT_VDAG_POLICY_CACHE_SIZE,
    private readonly load: (p: TInstancePolicy) => Promise<PolicyInstance> = loadProcessingPolicy,
  ) {
    if (!Number.isInteger(maxSize) || maxSize < 1)
      throw new Error(`the vDAG policy cache size must be an integer >= 1, got ${maxSize}`);
  }

  get size(): number {
    return this.entries.size;
  }

  static keyOf(p: TInstancePolicy): string {
    const hash = createHash("sha1")
      .update(JSON.stringify([p.code, p.settings, p.parameters]))
      .digest("hex");
    return `${p.policyRuleURI}#${hash}`;
  }

  /** Runs `fn` with the policy's loaded instance; the instance is not disposed while `fn` runs. */
  async use<T>(p: TInstancePolicy, fn: (instance: PolicyInstance) => Promise<T>): Promise<T> {
    if (this.disposed) throw new Error("the vDAG policy cache is disposed (the instance is stopping)");
    const entry = this.acquire(p);
    try {
      return await fn(await entry.ready);
    } finally {
      entry.users--;
      if (entry.evicted && entry.users === 0) disposeWhenReady(entry);
    }
  }

  private acquire(p: TInstancePolicy): Entry {
    const key = VdagPolicyCache.keyOf(p);
    let entry = this.entries.get(key);
    if (entry) {
      this.entries.delete(key); // re-inserted below: most recently used last
    } else {
      this.loads++;
      const made: Entry = { ready: this.load(p), users: 0, evicted: false };
      made.ready.catch(() => {
        if (this.entries.get(key) === made) this.entries.delete(key);
      });
      entry = made;
    }
    entry.users++;
    this.entries.set(key, entry);
    this.evictBeyond();
    return entry;
  }

  private evictBeyond(): void {
    while (this.entries.size > this.maxSize) {
      const [key, entry] = this.entries.entries().next().value as [string, Entry];
      this.entries.delete(key);
      entry.evicted = true;
      if (entry.users === 0) disposeWhenReady(entry);
    }
  }

  /** Disposes every loaded instance (on shutdown); later `use` calls fail. */
  dispose(): void {
    this.disposed = true;
    for (const entry of this.entries.values()) {
      entry.evicted = true;
      disposeWhenReady(entry);
    }
    this.entries.clear();
  }
}

function disposeWhenReady(entry: Entry): void {
  void entry.ready.then(
    (instance) => instance.dispose(),
    () => undefined,
  );
}

/** What the vDAG policies need from the host. */
export interface VdagHost {
  blockId: string;
  log: Logger;
  cache: VdagPolicyCache;
}

/** The packet with its vDAG context (`packet.vdag`), added from the node when it is missing. */
export function withVdagContext(packet: TAiosPacket, node: TVdagNodeRuntime): TAiosPacket {
  if (packet.vdag) return packet;
  return { ...packet, vdag: { vdagURI: node.vdagURI, nodeLabel: node.nodeLabel } };
}

function policyInput(host: VdagHost, node: TVdagNodeRuntime, packet: TAiosPacket) {
  return {
    packet,
    vdagURI: node.vdagURI,
    nodeLabel: node.nodeLabel,
    blockId: host.blockId,
    modelParameters: node.modelParameters,
    graph: node.graph,
  };
}

/** Loads (or finds) the node's policy for `slot`, checks its kind and runs one eval on `input`. */
function runVdagPolicy(
  host: VdagHost,
  slot: VdagSlot,
  node: TVdagNodeRuntime,
  p: TInstancePolicy,
  input: object,
): Promise<unknown> {
  const { field, kind } = SLOTS[slot];
  const where = `vdagNode.${field} (${p.policyRuleURI})`;
  let loaded = false;
  return host.cache
    .use(p, async (instance) => {
      loaded = true;
      if (instance.kind !== kind)
        throw new InstanceError(422, `${where}: is a ${instance.kind} policy, expected ${kind}`, {
          stage: slot,
        });
      return evalPolicy(slot, p.policyRuleURI, instance, input, host.log, {
        vdagURI: node.vdagURI,
        nodeLabel: node.nodeLabel,
      });
    })
    .catch((e: unknown) => {
      if (e instanceof InstanceError) throw e;
      // Only a compile or load failure gets here (evalPolicy reports as InstanceErrors).
      throw policyLoadError(slot, loaded ? `${slot} policy ${p.policyRuleURI}` : where, e);
    });
}

/** The node's vDAG pre-processing (when it has one): 422 at stage `vdag_pre_processing`. */
export async function vdagPreProcess(
  host: VdagHost,
  node: TVdagNodeRuntime,
  packet: TAiosPacket,
): Promise<TAiosPacket> {
  const p = node.preprocessing;
  if (!p) return packet;
  const value = await runVdagPolicy(host, "vdag_pre_processing", node, p, policyInput(host, node, packet));
  return (value as { packet: TAiosPacket }).packet;
}

/**
 * The node's vDAG post-processing: the packet and the labels it goes to next. Without a policy, or
 * when it leaves `next` out, every outgoing edge (`node.next`); `[]` ends the walk here. A label
 * that is not an outgoing edge of the node is a 422 at stage `vdag_post_processing` naming it.
 */
export async function vdagPostProcess(
  host: VdagHost,
  node: TVdagNodeRuntime,
  packet: TAiosPacket,
): Promise<{ packet: TAiosPacket; next: string[] }> {
  const p = node.postprocessing;
  if (!p) return { packet, next: [...node.next] };
  const input = { ...policyInput(host, node, packet), next: [...node.next] };
  const value = (await runVdagPolicy(host, "vdag_post_processing", node, p, input)) as {
    packet: TAiosPacket;
    next?: string[];
  };
  if (value.next === undefined) return { packet: value.packet, next: [...node.next] };
  const allowed = new Set(node.next);
  const issues = value.next.flatMap((label, i) =>
    allowed.has(label)
      ? []
      : [{ path: `output.next[${i}]`, message: `${JSON.stringify(label)} is not a next node of this node` }],
  );
  if (issues.length) {
    const unknown = [...new Set(value.next.filter((l) => !allowed.has(l)))].map((l) => JSON.stringify(l));
    const known = node.next.length ? node.next.map((l) => JSON.stringify(l)).join(", ") : "none";
    throw new InstanceError(
      422,
      `vdag_post_processing policy ${p.policyRuleURI} routed to ${unknown.join(", ")}, not a next node of ` +
        `${JSON.stringify(node.nodeLabel)} (its next nodes: ${known})`,
      { stage: "vdag_post_processing", issues },
    );
  }
  return { packet: value.packet, next: [...new Set(value.next)] };
}
