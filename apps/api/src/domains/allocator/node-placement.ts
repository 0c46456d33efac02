import type { TComponentResources } from "@aios/contracts";

/** A node that can take work now: its agent heartbeats within the grace. */
export interface PlacementNode {
  id: string;
  vcpus: number;
  memoryMb: number;
  /** `memoryUsedMb`: GPU memory the node's last heartbeat measured in use (any process). */
  gpus: Array<{ index: number; memoryMb: number; memoryUsedMb?: number }>;
}

/** An instance already placed somewhere in the cluster, with what its component states it needs. */
export interface PlacedInstance {
  blockId: string;
  nodeId: string;
  gpus: number[];
  needs: TComponentResources | null;
}

/** What is left on one node, and how many instances of the block being placed it holds. */
export interface NodeRoom {
  nodeId: string;
  vcpus: number;
  memoryMb: number;
  freeVcpus: number;
  freeMemoryMb: number;
  gpus: Array<{ index: number; memoryMb: number; freeMemoryMb: number; whole: boolean; instances: number }>;
  /** Instances of the block being placed already on this node. */
  blockInstances: number;
}

export interface NodeScore {
  nodeId: string;
  /** 0 when the instance does not fit; else (0, 1], higher is better. */
  score: number;
  /** The GPUs the instance would get on this node (empty when it needs none). */
  gpus: number[];
  /** Why it does not fit. */
  reason?: string;
}

/**
 * What each node has left after the instances placed on it. An instance that states GPU memory
 * takes its share of it (gpuMemoryMb / gpus) on each of its GPUs, so several share a GPU while
 * their memory fits; one that needs GPUs and states no GPU memory takes its GPUs whole. A GPU's
 * memory measured in use (nvidia-smi) counts when it is more than the declared shares.
 */
export function nodeRooms(nodes: PlacementNode[], placed: PlacedInstance[], blockId: string): NodeRoom[] {
  const rooms = new Map<string, NodeRoom>();
  // Per node, the GPU memory measured in use, in the order of its room's GPUs.
  const measured = new Map<string, number[]>();
  for (const n of nodes) {
    const gpus = [...n.gpus].sort((a, b) => a.index - b.index);
    rooms.set(n.id, {
      nodeId: n.id,
      vcpus: n.vcpus,
      memoryMb: n.memoryMb,
      freeVcpus: n.vcpus,
      freeMemoryMb: n.memoryMb,
      gpus: gpus.map((g) => ({
        index: g.index,
        memoryMb: g.memoryMb,
        freeMemoryMb: g.memoryMb,
        whole: false,
        instances: 0,
      })),
      blockInstances: 0,
    });
    measured.set(
      n.id,
      gpus.map((g) => g.memoryUsedMb ?? 0),
    );
  }
  for (const p of placed) {
    const room = rooms.get(p.nodeId);
    if (!room) continue;
    if (p.blockId === blockId) room.blockInstances++;
    room.freeVcpus -= p.needs?.vcpus ?? 0;
    room.freeMemoryMb -= p.needs?.memoryMb ?? 0;
    const share = gpuShare(p.needs);
    for (const index of p.gpus) {
      const gpu = room.gpus.find((g) => g.index === index);
      if (!gpu) continue;
      gpu.instances++;
      if (share === "whole") gpu.whole = true;
      else gpu.freeMemoryMb -= share;
    }
  }
  // Measured use counts where it exceeds what is declared (another program on the GPU, or an
  // instance using more than it said): a GPU has free what neither figure takes.
  for (const room of rooms.values()) {
    const used = measured.get(room.nodeId) ?? [];
    room.gpus.forEach((g, i) => {
      g.freeMemoryMb = Math.min(g.freeMemoryMb, g.memoryMb - (used[i] ?? 0));
    });
  }
  return [...rooms.values()];
}

/** The GPU memory one instance takes on each of its GPUs, or "whole" when it states none. */
function gpuShare(needs: TComponentResources | null): number | "whole" {
  const count = needs?.gpus ?? 0;
  if (count === 0) return 0;
  return needs?.gpuMemoryMb ? needs.gpuMemoryMb / count : "whole";
}

/**
 * The GPUs one instance gets on a node: those with the most free memory (ties by index), each with
 * room for the instance's share and not taken whole; an instance that takes GPUs whole gets only
 * GPUs nobody uses. Null (with the reason) when there are not enough.
 */
export function pickGpus(
  room: NodeRoom,
  needs: TComponentResources | null,
): { gpus: number[] } | { reason: string } {
  const count = needs?.gpus ?? 0;
  if (count === 0) return { gpus: [] };
  const share = gpuShare(needs);
  const usable = room.gpus.filter((g) =>
    share === "whole" ? g.instances === 0 : !g.whole && g.freeMemoryMb >= share,
  );
  if (usable.length < count) {
    const what = share === "whole" ? "unused GPU(s)" : `GPU(s) with ${round(share)} MB free`;
    return { reason: `needs ${count} ${what}, ${usable.length} here` };
  }
  const chosen = usable
    .sort((a, b) => b.freeMemoryMb - a.freeMemoryMb || a.instances - b.instances || a.index - b.index)
    .slice(0, count)
    .map((g) => g.index)
    .sort((a, b) => a - b);
  return { gpus: chosen };
}

/** The vCPUs and memory one instance lacks on a node. */
function hostShort(room: NodeRoom, needs: TComponentResources | null): string[] {
  const short: string[] = [];
  const vcpus = needs?.vcpus ?? 0;
  const memoryMb = needs?.memoryMb ?? 0;
  if (vcpus > room.freeVcpus) short.push(`needs ${vcpus} vCPUs, ${round(room.freeVcpus)} free`);
  if (memoryMb > room.freeMemoryMb)
    short.push(`needs ${memoryMb} MB of memory, ${round(room.freeMemoryMb)} free`);
  return short;
}

/**
 * What an instance would lack on a node given these GPUs (a placement a policy chose): vCPUs,
 * memory, and per GPU its share of memory (or the whole GPU); empty when it fits.
 */
export function shortOf(room: NodeRoom, needs: TComponentResources | null, gpus: number[]): string[] {
  const short = hostShort(room, needs);
  const count = needs?.gpus ?? 0;
  if (gpus.length < count) short.push(`needs ${count} GPU(s), ${gpus.length} given`);
  const share = gpuShare(needs);
  for (const index of gpus) {
    const g = room.gpus.find((x) => x.index === index);
    if (!g || count === 0) continue;
    if (share === "whole" ? g.instances > 0 : g.whole || g.freeMemoryMb < share) {
      short.push(
        share === "whole"
          ? `GPU ${index} is in use, and the instance takes a GPU whole`
          : `GPU ${index} has ${g.whole ? 0 : round(g.freeMemoryMb)} MB free, the instance needs ${round(share)}`,
      );
    }
  }
  return short;
}

/**
 * The built-in node scorer (a block without a `resourceAllocator` policy): 0 with the reason when
 * one more instance does not fit in what the node has left (vCPUs, memory, GPUs and their memory);
 * else the share of the node left free after it, averaged over the dimensions the node has, divided
 * by one plus the block's instances already there, so a block spreads over its cluster's nodes,
 * and halved when its GPUs would be shared, so instances get GPUs of their own first.
 */
export function scoreNodes(rooms: NodeRoom[], needs: TComponentResources | null): NodeScore[] {
  return rooms.map((room) => {
    const short = hostShort(room, needs);
    const vcpus = needs?.vcpus ?? 0;
    const memoryMb = needs?.memoryMb ?? 0;
    const gpus = pickGpus(room, needs);
    if ("reason" in gpus) short.push(gpus.reason);
    if (short.length > 0 || "reason" in gpus)
      return { nodeId: room.nodeId, score: 0, gpus: [], reason: short.join("; ") };
    const shares: number[] = [];
    if (room.vcpus > 0) shares.push((room.freeVcpus - vcpus) / room.vcpus);
    if (room.memoryMb > 0) shares.push((room.freeMemoryMb - memoryMb) / room.memoryMb);
    const gpuTotal = room.gpus.reduce((s, g) => s + g.memoryMb, 0);
    if (gpuTotal > 0) {
      const share = gpuShare(needs);
      const taken = gpus.gpus.reduce((s, index) => {
        const g = room.gpus.find((x) => x.index === index);
        return s + (share === "whole" ? (g?.freeMemoryMb ?? 0) : share);
      }, 0);
      const free = room.gpus.reduce((s, g) => s + (g.whole ? 0 : Math.max(0, g.freeMemoryMb)), 0);
      shares.push((free - taken) / gpuTotal);
    }
    const relative = shares.length ? shares.reduce((s, x) => s + x, 0) / shares.length : 1;
    // Sharing a GPU is the last resort: a node where the instance's GPUs are in use scores half.
    const sharing = gpus.gpus.some((index) => (room.gpus.find((g) => g.index === index)?.instances ?? 0) > 0);
    const score = Math.max(
      0.0001,
      round((Math.max(0, relative) / (1 + room.blockInstances)) * (sharing ? 0.5 : 1), 4),
    );
    return { nodeId: room.nodeId, score, gpus: gpus.gpus };
  });
}

/** The best-scored node that fits (ties by id), or null. */
export function bestNode(scores: NodeScore[]): NodeScore | null {
  let best: NodeScore | null = null;
  for (const s of scores) {
    if (s.score <= 0) continue;
    if (!best || s.score > best.score || (s.score === best.score && s.nodeId < best.nodeId)) best = s;
  }
  return best;
}

/** Charges one more instance to its node's room, so the next placement in a batch sees it. */
export function takeRoom(
  rooms: NodeRoom[],
  nodeId: string,
  gpus: number[],
  needs: TComponentResources | null,
) {
  const room = rooms.find((r) => r.nodeId === nodeId);
  if (!room) return;
  room.blockInstances++;
  room.freeVcpus -= needs?.vcpus ?? 0;
  room.freeMemoryMb -= needs?.memoryMb ?? 0;
  const share = gpuShare(needs);
  for (const index of gpus) {
    const g = room.gpus.find((x) => x.index === index);
    if (!g) continue;
    g.instances++;
    if (share === "whole") g.whole = true;
    else g.freeMemoryMb -= share;
  }
}

/**
 * The instances a scale-down stops when no policy named them: from the node holding the most of
 * the block's instances first, the newest first, so what is left stays spread.
 */
export function pickVictims(
  instances: Array<{ id: string; nodeId: string | null; createdAt: Date }>,
  count: number,
): string[] {
  const left = [...instances];
  const victims: string[] = [];
  while (victims.length < count && left.length > 0) {
    const perNode = new Map<string, number>();
    for (const i of left) perNode.set(i.nodeId ?? "", (perNode.get(i.nodeId ?? "") ?? 0) + 1);
    const [node] = [...perNode.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0] ?? [""];
    const onNode = left.filter((i) => (i.nodeId ?? "") === node);
    const newest = onNode.sort(
      (a, b) => b.createdAt.getTime() - a.createdAt.getTime() || b.id.localeCompare(a.id),
    )[0];
    if (!newest) break;
    victims.push(newest.id);
    left.splice(left.indexOf(newest), 1);
  }
  return victims;
}

const round = (x: number, digits = 1) => Math.round(x * 10 ** digits) / 10 ** digits;
