type Waiter<V> = { resolve(v: V | undefined): void; reject(err: unknown): void };

/**
 * Look-ups by key made together (a DataLoader without a cache): the keys asked for in one turn of
 * the event loop, and while a statement is on its way, go out in one statement when the turn ends
 * or that statement is back. Under concurrent calls a data-plane request no longer pays a database
 * round trip (socket writes, waking the server, its work) of its own for its token. Nothing is
 * kept between batches: every look-up is made after it was asked for, so what it finds is at least
 * as new as the database when the caller asked (a revocation holds from the next request on, as
 * without batching).
 */
export function batchedLookup<V>(
  /** The rows of these keys (each at most once), by key; a key without a row is left out. */
  load: (keys: string[]) => Promise<Map<string, V>>,
  opts: { maxBatch?: number; maxInFlight?: number } = {},
): (key: string) => Promise<V | undefined> {
  const { maxBatch = 256, maxInFlight = 1 } = opts;
  const pending = new Map<string, Array<Waiter<V>>>();
  let scheduled = false;
  let inFlight = 0;

  const send = () => {
    scheduled = false;
    while (pending.size > 0 && inFlight < maxInFlight) {
      const keys = [...pending.keys()].slice(0, maxBatch);
      const batch = new Map(keys.map((k) => [k, pending.get(k) as Array<Waiter<V>>]));
      for (const k of keys) pending.delete(k);
      inFlight++;
      load(keys)
        .then(
          (rows) => {
            for (const [key, waiters] of batch) for (const w of waiters) w.resolve(rows.get(key));
          },
          (err: unknown) => {
            for (const waiters of batch.values()) for (const w of waiters) w.reject(err);
          },
        )
        .finally(() => {
          inFlight--;
          // What was asked for meanwhile goes out now, together.
          if (pending.size > 0) schedule();
        });
    }
  };
  const schedule = () => {
    if (scheduled) return;
    scheduled = true;
    // After the I/O of this turn: every request read in it asks before the statement goes out.
    setImmediate(send);
  };

  return (key) =>
    new Promise<V | undefined>((resolve, reject) => {
      const waiting = pending.get(key);
      if (waiting) waiting.push({ resolve, reject });
      else pending.set(key, [{ resolve, reject }]);
      if (inFlight < maxInFlight) schedule();
    });
}
