import { Redis } from "ioredis";
import pg from "pg";
import type { QueueBackendConfig } from "./backend";

/**
 * The data key that marks a job as asked: its worker publishes the processor's result on the reply
 * channel the moment it has it, before BullMQ stores it (processors validate their payloads with
 * schemas that drop unknown keys, so the marker never reaches them).
 */
export const REPLY_WANTED = "__reply";

/** A job's data marked as asked (see REPLY_WANTED). */
export const asked = <D extends object>(data: D): D => ({ ...data, [REPLY_WANTED]: true });

/**
 * PostgreSQL: one `LISTEN`/`NOTIFY` channel per database; Redis: one pub/sub channel per database
 * number (`aios_replies.<db>`). Every process that asks listens; each keeps the replies it expects.
 */
export const REPLY_CHANNEL = "aios_replies";

/**
 * The largest answer sent on the channel, in bytes of JSON: PostgreSQL's `NOTIFY` payload holds
 * fewer than 8,000 bytes; Redis takes large messages, but an answer that large is read once from
 * the job anyway. A larger answer (or a failure, or a job without a result) is not published: its
 * asker reads it from the finished job, as without the channel.
 */
export const REPLY_MAX_BYTES = { postgres: 7_900, redis: 256 * 1024 } as const;

/** How long the listener waits before connecting again after its connection was lost. */
const RELISTEN_MS = 1_000;

export interface ExpectedReply {
  /** Resolves with the job's result when its worker publishes it; never rejects. */
  readonly answer: Promise<unknown>;
  /**
   * Whether the listener was subscribed when the reply was expected: when not, the answer can only
   * be read from the finished job (its asker reads it as often as without the channel).
   */
  readonly live: boolean;
  cancel(): void;
}

/**
 * The reply channel of a queue backend: how an asked job's answer reaches its asker ahead of
 * BullMQ's own finish and the asker's next read of the job. On both stores a round trip through
 * BullMQ alone ends with the worker's finish (on PostgreSQL a PL/pgSQL function: the job, its
 * event, retention, the next take) and then the asker's read; the reply is one message after the
 * processor returned, sent while BullMQ finishes. A lost message costs nothing but time: the
 * asker still reads the finished job (bench `dispatch.*`).
 */
export interface ReplyChannel {
  /** Registers the wait for one job's reply; call it before the job is added. */
  expect(queueName: string, jobId: string): ExpectedReply;
  /** Sends a processor's result to the job's asker (not awaited by the worker; errors are dropped). */
  publish(queueName: string, jobId: string, value: unknown): void;
  /**
   * `idle`: nothing was asked yet (the listener connects on the first `expect`); `connecting`: it
   * is connecting, or waits to connect again after its connection was lost; `listening`;
   * `stopped`: closed.
   */
  state(): "idle" | "connecting" | "listening" | "stopped";
  close(): Promise<void>;
}

interface Transport {
  /** Starts listening (again) and calls `onMessage` for each message; `onLost` when it stops. */
  listen(onMessage: (payload: string) => void, onLost: () => void): Promise<void>;
  send(payload: string): Promise<void>;
  close(): Promise<void>;
}

const keyOf = (queueName: string, jobId: string) => `${queueName}\n${jobId}`;

/** `onError`: the channel's connection errors (told quietly by the backend: once per 30 s). */
export function createReplyChannel(config: QueueBackendConfig, onError: (err: Error) => void): ReplyChannel {
  const transport = config.kind === "redis" ? redisTransport(config.url) : postgresTransport(config.url);
  const maxBytes = REPLY_MAX_BYTES[config.kind];
  const waiters = new Map<string, Set<(value: unknown) => void>>();
  let live = false;
  let starting: Promise<void> | undefined;
  let retry: NodeJS.Timeout | undefined;
  let closed = false;

  const onMessage = (payload: string) => {
    let message: { q?: unknown; j?: unknown; v?: unknown };
    try {
      message = JSON.parse(payload);
    } catch {
      return;
    }
    if (typeof message.q !== "string" || typeof message.j !== "string") return;
    const key = keyOf(message.q, message.j);
    const found = waiters.get(key);
    if (!found) return;
    waiters.delete(key);
    for (const resolve of found) resolve(message.v);
  };
  const start = (): Promise<void> => {
    starting ??= transport
      .listen(onMessage, () => {
        live = false;
        starting = undefined;
        if (!closed) retry = setTimeout(() => void start(), RELISTEN_MS).unref();
      })
      .then(
        () => {
          live = !closed;
        },
        (err: Error) => {
          starting = undefined;
          onError(err);
          if (!closed) retry = setTimeout(() => void start(), RELISTEN_MS).unref();
        },
      );
    return starting;
  };

  return {
    expect(queueName, jobId) {
      if (!live) void start();
      const key = keyOf(queueName, jobId);
      let resolveAnswer!: (value: unknown) => void;
      const answer = new Promise<unknown>((resolve) => {
        resolveAnswer = resolve;
      });
      let set = waiters.get(key);
      if (!set) {
        set = new Set();
        waiters.set(key, set);
      }
      set.add(resolveAnswer);
      return {
        answer,
        live,
        cancel() {
          const current = waiters.get(key);
          current?.delete(resolveAnswer);
          if (current?.size === 0) waiters.delete(key);
        },
      };
    },
    state: () => (closed ? "stopped" : live ? "listening" : starting || retry ? "connecting" : "idle"),
    publish(queueName, jobId, value) {
      if (value === undefined || closed) return;
      const payload = JSON.stringify({ q: queueName, j: jobId, v: value });
      if (Buffer.byteLength(payload) > maxBytes) return;
      transport.send(payload).catch((err: Error) => onError(err));
    },
    async close() {
      closed = true;
      live = false;
      clearTimeout(retry);
      waiters.clear();
      await transport.close();
    },
  };
}

function redisTransport(url: string): Transport {
  // Redis' pub/sub spans its databases; the queues of another database have a channel of their own.
  const channel = `${REPLY_CHANNEL}.${new URL(url).pathname.slice(1) || "0"}`;
  let subscriber: Redis | undefined;
  let publisher: Redis | undefined;
  let pending: Promise<void> | undefined;
  return {
    listen(onMessage, onLost) {
      if (!subscriber) {
        subscriber = new Redis(url, {
          lazyConnect: true,
          maxRetriesPerRequest: null,
          connectionName: REPLY_CHANNEL,
        });
        subscriber.on("error", () => undefined);
        subscriber.on("message", (_channel: string, payload: string) => onMessage(payload));
        subscriber.on("close", onLost);
      }
      // One wait at a time, however often the connection is lost meanwhile: it ends when Redis
      // answers the subscription again (ioredis reconnects and subscribes again by itself).
      const client = subscriber;
      pending ??= (async () => {
        if (client.status === "wait") await client.connect();
        await client.subscribe(channel);
      })().finally(() => {
        pending = undefined;
      });
      return pending;
    },
    async send(payload) {
      if (!publisher) {
        publisher = new Redis(url, { maxRetriesPerRequest: null });
        publisher.on("error", () => undefined);
      }
      await publisher.publish(channel, payload);
    },
    async close() {
      await Promise.allSettled([subscriber?.quit(), publisher?.quit()]);
    },
  };
}

function postgresTransport(url: string): Transport {
  // The queues' own session settings: a NOTIFY commits without waiting for its WAL flush.
  const settings = {
    connectionString: url,
    options: "-c synchronous_commit=off",
    application_name: REPLY_CHANNEL,
    // A connection dropped without a word is found, and the listener connects again.
    keepAlive: true,
    keepAliveInitialDelayMillis: 10_000,
  };
  let listener: pg.Client | undefined;
  let sender: pg.Pool | undefined;
  return {
    async listen(onMessage, onLost) {
      const client = new pg.Client(settings);
      client.on("error", () => undefined);
      try {
        await client.connect();
        await client.query(`LISTEN ${REPLY_CHANNEL}`);
      } catch (err) {
        void client.end().catch(() => undefined);
        throw err;
      }
      listener = client;
      let lost = false;
      const lose = () => {
        if (lost) return;
        lost = true;
        if (listener === client) listener = undefined;
        void client.end().catch(() => undefined);
        onLost();
      };
      client.on("notification", (n) => {
        if (n.channel === REPLY_CHANNEL && n.payload) onMessage(n.payload);
      });
      client.on("error", lose);
      client.on("end", lose);
    },
    async send(payload) {
      sender ??= new pg.Pool({ ...settings, max: 2 }).on("error", () => undefined);
      await sender.query("SELECT pg_notify($1, $2)", [REPLY_CHANNEL, payload]);
    },
    async close() {
      const client = listener;
      listener = undefined;
      client?.removeAllListeners("end");
      client?.removeAllListeners("error");
      client?.on("error", () => undefined);
      await Promise.allSettled([client?.end(), sender?.end()]);
    },
  };
}
