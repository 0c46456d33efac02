/**
 * At most `size` holders at once; `acquire` waits (first come, first served) for a free slot and
 * answers its release. The blob store holds a slot per upload it writes: each keeps a database
 * connection for its whole length, and the pool has few (10), which every other call needs too.
 */
export function uploadSlots(size: number) {
  let free = size;
  const waiting: Array<() => void> = [];
  const release = () => {
    const next = waiting.shift();
    if (next) next();
    else free++;
  };
  return {
    async acquire(): Promise<() => void> {
      if (free > 0) free--;
      else await new Promise<void>((resolve) => waiting.push(resolve));
      let released = false;
      return () => {
        if (released) return;
        released = true;
        release();
      };
    },
    /** Holders now, and callers waiting for a slot. */
    get state() {
      return { busy: size - free, waiting: waiting.length };
    },
  };
}
