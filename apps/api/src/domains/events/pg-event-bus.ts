import { randomUUID } from "node:crypto";
import { type Db, sqlOf } from "@aios/db";
import type { Logger } from "@aios/service-kit";
import { createSubscribers, type EventBus } from "./event-bus";
import { decodeEnvelope, encodeEnvelope } from "./notify-envelope";
import { type ListenerOptions, startListener } from "./pg-listener";

/** The one channel every API process of a database LISTENs on. */
export const LIVE_EVENTS_CHANNEL = "aios_live_events";
/** Events sent in one statement at most (they are queued while one is on its way). */
const BATCH = 100;
/** Events kept while the database does not answer; past this the oldest are dropped (live views poll too). */
const MAX_QUEUED = 10_000;

export interface PgEventBusOptions extends Pick<ListenerOptions, "backoff" | "heartbeatMs"> {
  /** The database every API process shares; the bus LISTENs on a connection of its own to it. */
  databaseUrl: string;
  /** The API's client: events are sent over its pool. */
  db: Db;
  log: Logger;
  channel?: string;
}

/**
 * The event bus over PostgreSQL: an event goes out as one NOTIFY on `LIVE_EVENTS_CHANNEL` (sent
 * over the API's pool, in the order they were published), and every API process LISTENs on a
 * connection of its own and hands each event to its subscribers, except its own ones, which its
 * listeners heard when they were emitted.
 */
export function createPgEventBus(opts: PgEventBusOptions): EventBus & { readonly origin: string } {
  const { log } = opts;
  const channel = opts.channel ?? LIVE_EVENTS_CHANNEL;
  const sql = sqlOf(opts.db);
  const origin = randomUUID();
  const counts = { published: 0, received: 0, heardOwn: 0, dropped: 0 };
  const subscribers = createSubscribers((topic, err) =>
    log.warn("live events: a listener failed", { topic, err }),
  );
  let seq = 0;
  let stopped = false;
  let queue: string[] = [];
  let sending: Promise<void> | null = null;

  const listener = startListener({
    databaseUrl: opts.databaseUrl,
    channel,
    applicationName: `aios-live-events ${origin}`,
    log,
    backoff: opts.backoff,
    heartbeatMs: opts.heartbeatMs,
    onNotification(payload) {
      const envelope = decodeEnvelope(payload);
      if (!envelope) {
        log.warn("live events: a notification that is no event was ignored", {
          channel,
          bytes: payload.length,
        });
        return;
      }
      if (envelope.o === origin) {
        counts.heardOwn++; // its listeners heard it when it was emitted
        return;
      }
      counts.received++;
      subscribers.deliver(envelope.t, envelope.e);
    },
  });

  /** One statement at a time, so the others hear this process's events in the order it emitted them. */
  const send = async () => {
    while (queue.length > 0) {
      const batch = queue.slice(0, BATCH);
      queue = queue.slice(BATCH);
      try {
        await sql.query("SELECT pg_notify($1, payload) FROM unnest($2::text[]) AS payload", [channel, batch]);
        counts.published += batch.length;
      } catch (err) {
        counts.dropped += batch.length;
        log.warn("live events: not sent to the other API processes", {
          events: batch.length,
          reason: (err as Error).message,
        });
      }
    }
    sending = null;
  };

  return {
    origin,
    publish(topic, event) {
      if (stopped) return;
      const text = encodeEnvelope({ o: origin, n: ++seq, t: topic, e: event as Record<string, unknown> });
      if (text === null) {
        counts.dropped++;
        log.warn("live events: an event too large for a notification was not sent", { topic });
        return;
      }
      queue.push(text);
      if (queue.length > MAX_QUEUED) {
        counts.dropped += queue.length - MAX_QUEUED;
        queue = queue.slice(-MAX_QUEUED);
      }
      sending ??= send();
    },
    subscribe: (topic, deliver) => subscribers.add(topic, deliver),
    listening: () => listener.listening(),
    stats: () => ({ state: listener.state(), ...counts, reconnects: listener.reconnects() }),
    async stop() {
      stopped = true;
      await sending;
      await listener.stop();
    },
  };
}
