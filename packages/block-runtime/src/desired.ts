import type { Mapper } from "./mapper";

/** What the executor asks of the agent: `GET /desired`. Level-triggered: the agent reconciles to it. */
export interface DesiredSnapshot {
  blockId: string;
  /** Bumped on every change, so a poller can tell when something new was asked. */
  generation: number;
  /** How many instances the block should have (the autoscaler's decision, within min..max). */
  scaleTo: number;
  minInstances: number;
  maxInstances: number;
  /** Instances to stop when scaling down (part of reaching scaleTo). */
  remove: string[];
  /** Instances to replace (stop, start a new one): the health checker's requests. */
  replace: string[];
  replaceReasons: Record<string, string>;
}

/**
 * The requests of the autoscaler and the health checker. Entries vanish once the agent acted: a
 * removed/replaced id no longer listed by `PUT /instances` (or listed with a new endpoint), or a
 * replace request whose instance passed a health check again; scaleTo falls back to "what is there,
 * within min..max" once the count reached the autoscaler's target.
 */
export class DesiredState {
  private generation = 0;
  private target: number | null = null;
  private readonly removeIds = new Set<string>();
  private readonly replaceIds = new Map<string, string>();

  constructor(
    private readonly blockId: string,
    private readonly bounds: { minInstances: number; maxInstances: number },
    private readonly mapper: Mapper,
  ) {
    mapper.on("changed", () => this.reconcile());
  }

  clamp(n: number): number {
    return Math.min(this.bounds.maxInstances, Math.max(this.bounds.minInstances, n));
  }

  scaleTo(n: number, remove: string[] = []): void {
    this.target = this.clamp(n);
    for (const id of remove) this.removeIds.add(id);
    this.generation++;
  }

  requestReplace(id: string, reason: string): boolean {
    if (this.replaceIds.has(id) || !this.mapper.get(id)) return false;
    this.replaceIds.set(id, reason);
    this.generation++;
    return true;
  }

  /** A replace request is withdrawn when its instance recovered before the agent acted. */
  withdrawReplace(id: string): void {
    if (this.replaceIds.delete(id)) this.generation++;
  }

  cancelRemovals(): void {
    if (this.removeIds.size === 0) return;
    this.removeIds.clear();
    this.generation++;
  }

  /** Already asked to be removed (the autoscaler does not count it any more). */
  isRemoving(id: string): boolean {
    return this.removeIds.has(id);
  }

  snapshot(): DesiredSnapshot {
    const count = this.mapper.active().length;
    return {
      blockId: this.blockId,
      generation: this.generation,
      scaleTo: this.target ?? this.clamp(count),
      minInstances: this.bounds.minInstances,
      maxInstances: this.bounds.maxInstances,
      remove: [...this.removeIds],
      replace: [...this.replaceIds.keys()],
      replaceReasons: Object.fromEntries(this.replaceIds),
    };
  }

  private reconcile(): void {
    let changed = false;
    for (const id of [...this.removeIds, ...this.replaceIds.keys()]) {
      if (this.mapper.get(id)) continue;
      changed = this.removeIds.delete(id) || changed;
      changed = this.replaceIds.delete(id) || changed;
    }
    if (this.target !== null && this.mapper.active().length === this.target && this.removeIds.size === 0) {
      this.target = null;
      changed = true;
    }
    if (changed) this.generation++;
  }
}
