/**
 * Live events between API processes. Each process hears its own events at once (its emitters are
 * plain EventEmitters); the bus carries them to every other API process on the same database, so
 * a live view served by any of them sees changes made through any other. Live only: an event
 * missed while a process was not listening is not replayed, the views re-read state instead.
 */
export interface EventBus {
  /** Sends one event of `topic` to every other API process, never back to this one. */
  publish(topic: string, event: object): void;
  /** Calls `deliver` with each event of `topic` that another API process published; undoes it. */
  subscribe(topic: string, deliver: (event: unknown) => void): () => void;
  /** Resolves once the bus hears the other processes (at once when there are none to hear). */
  listening(): Promise<void>;
  stats(): EventBusStats;
  /** Sends what is still queued, then stops listening. */
  stop(): Promise<void>;
}

export interface EventBusStats {
  /** `local`: this process alone, nothing to hear. */
  state: "local" | "connecting" | "listening" | "stopped";
  published: number;
  received: number;
  /** This process's own events heard back from the database and not delivered again. */
  heardOwn: number;
  /** Events not sent (the database refused or was unreachable) or too large even once shortened. */
  dropped: number;
  /** Times the listening connection was lost or could not be made, and a new one was started. */
  reconnects: number;
}

/** Who listens to which topic; shared by the buses. */
export function createSubscribers(onError: (topic: string, err: unknown) => void) {
  const byTopic = new Map<string, Set<(event: unknown) => void>>();
  return {
    add(topic: string, deliver: (event: unknown) => void) {
      const set = byTopic.get(topic) ?? new Set();
      byTopic.set(topic, set);
      set.add(deliver);
      return () => void set.delete(deliver);
    },
    deliver(topic: string, event: unknown) {
      for (const deliver of byTopic.get(topic) ?? []) {
        try {
          deliver(event);
        } catch (err) {
          onError(topic, err); // one listener's fault never keeps the event from the others
        }
      }
    },
  };
}

/** The bus of an API that runs alone (tests, one process): its emitters' own listeners are all there is. */
export function createLocalEventBus(): EventBus {
  let stopped = false;
  return {
    publish: () => {},
    subscribe: () => () => {},
    listening: async () => {},
    stats: () => ({
      state: stopped ? "stopped" : "local",
      published: 0,
      received: 0,
      heardOwn: 0,
      dropped: 0,
      reconnects: 0,
    }),
    stop: async () => {
      stopped = true;
    },
  };
}
