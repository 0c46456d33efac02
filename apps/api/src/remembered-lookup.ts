import type { EventEmitter } from "node:events";

/**
 * A value the data plane reads for every call and that changes rarely (where a block's executor
 * or a vDAG's controller listens), remembered for `ttlMs` after it was read. Within it an event
 * naming the key (`forgetOn`: a status change, heard by every API process) forgets it at once, and
 * a caller that finds the value stale (nothing listens there, its token refused) reads it again
 * with `fresh`. A read under way when any such event came is not remembered. What `read` throws
 * (not found, nothing running yet) is never remembered.
 */
export interface ForgetOn<E> {
  events: EventEmitter;
  event: string;
  keyOf: (e: E) => string;
}

export function rememberedLookup<V>(opts: {
  read: (key: string) => Promise<V>;
  ttlMs: number;
  // biome-ignore lint/suspicious/noExplicitAny: each event has its own payload
  forgetOn?: ForgetOn<any>[];
  now?: () => number;
}): (key: string, read?: { fresh?: boolean }) => Promise<V> {
  const now = opts.now ?? Date.now;
  const known = new Map<string, { value: V; until: number }>();
  /** Bumped by every event: a read under way when one came is not remembered. */
  let epoch = 0;
  for (const { events, event, keyOf } of opts.forgetOn ?? []) {
    events.on(event, (e: unknown) => {
      epoch++;
      known.delete(keyOf(e));
    });
  }
  return async (key, { fresh = false } = {}) => {
    const at = now();
    const entry = known.get(key);
    if (entry && entry.until > at && !fresh) return entry.value;
    known.delete(key);
    const began = epoch;
    const value = await opts.read(key);
    if (epoch === began) known.set(key, { value, until: at + opts.ttlMs });
    if (known.size > 10_000) {
      for (const [k, e] of known) if (e.until <= at) known.delete(k);
    }
    return value;
  };
}
