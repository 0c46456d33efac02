import { createDedicatedClient } from "@aios/db";
import type { Logger } from "@aios/service-kit";

export interface ListenerOptions {
  databaseUrl: string;
  channel: string;
  /** Names the connection in `pg_stat_activity`. */
  applicationName: string;
  /** What the log lines call it (default: live events). */
  name?: string;
  log: Logger;
  onNotification(payload: string): void;
  /** The first wait before connecting again, doubled after each failure in a row up to `maxMs`. */
  backoff?: { initialMs?: number; maxMs?: number };
  /** How often the connection is checked with a query, and how long each query may take: a cut link raises no error. */
  heartbeatMs?: number;
}

export interface Listener {
  state(): "connecting" | "listening" | "stopped";
  /** Times the connection was lost or could not be made, and a new one was started. */
  reconnects(): number;
  /** Resolves when the connection LISTENs (now or once it does again); rejects when stopped first. */
  listening(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * One connection of its own that LISTENs on `channel` for as long as the process runs. When it is
 * lost (the server restarted, the backend was terminated, the link is cut and the heartbeat goes
 * unanswered) it is made again after a growing wait, and LISTENs again. Notifications sent while
 * no connection listened are not replayed.
 */
export function startListener(opts: ListenerOptions): Listener {
  const { log } = opts;
  const name = opts.name ?? "live events";
  const initialMs = opts.backoff?.initialMs ?? 250;
  const maxMs = opts.backoff?.maxMs ?? 10_000;
  const heartbeatMs = opts.heartbeatMs ?? 10_000;
  let state: "connecting" | "listening" | "stopped" = "connecting";
  let reconnects = 0;
  let endSession: ((reason: Error) => void) | null = null;
  let waiters: Array<{ ready(): void; stopped(err: Error): void }> = [];
  const stopping = new AbortController();

  const becomeListening = () => {
    state = "listening";
    if (reconnects > 0) log.info(`${name}: listening again`, { reconnects });
    for (const w of waiters) w.ready();
    waiters = [];
  };

  /** One connection, from connecting to its end: why it ended, and whether it listened. */
  const session = async (): Promise<{ reason: Error; listened: boolean }> => {
    const client = createDedicatedClient(opts.databaseUrl, {
      application_name: opts.applicationName,
      keepAlive: true,
      connectionTimeoutMillis: heartbeatMs,
      query_timeout: heartbeatMs,
    });
    let end: (reason: Error) => void = () => {};
    const ended = new Promise<Error>((resolve) => {
      end = resolve;
    });
    endSession = end;
    client.on("error", end);
    client.on("end", () => end(new Error("the connection ended")));
    client.on("notification", (m) => {
      if (m.channel === opts.channel && m.payload !== undefined) opts.onNotification(m.payload);
    });
    let beat: NodeJS.Timeout | undefined;
    let listened = false;
    try {
      await client.connect();
      await client.query(`LISTEN "${opts.channel}"`);
      if (stopping.signal.aborted) return { reason: new Error("stopped"), listened };
      listened = true;
      becomeListening();
      beat = setInterval(() => {
        client
          .query("SELECT 1")
          .catch((err: Error) => end(new Error(`heartbeat unanswered: ${err.message}`)));
      }, heartbeatMs);
      beat.unref();
      return { reason: await ended, listened };
    } catch (err) {
      return { reason: err as Error, listened };
    } finally {
      clearInterval(beat);
      if (state === "listening") state = "connecting";
      await close(client, stopping.signal.aborted);
    }
  };

  const loop = (async () => {
    let failuresInARow = 0;
    while (!stopping.signal.aborted) {
      const { reason, listened } = await session();
      if (stopping.signal.aborted) break;
      failuresInARow = listened ? 1 : failuresInARow + 1;
      const delayMs = Math.min(maxMs, initialMs * 2 ** (failuresInARow - 1));
      reconnects++;
      log.warn(`${name}: the listening connection was lost or refused; connecting again`, {
        reason: reason.message,
        reconnects,
        delayMs,
      });
      await sleep(delayMs, stopping.signal);
    }
    state = "stopped";
  })();

  return {
    state: () => state,
    reconnects: () => reconnects,
    listening: () =>
      state === "listening"
        ? Promise.resolve()
        : state === "stopped"
          ? Promise.reject(new Error(`${name}: stopped`))
          : new Promise<void>((ready, stopped) => waiters.push({ ready, stopped })),
    async stop() {
      stopping.abort();
      endSession?.(new Error("stopped"));
      await loop;
      for (const w of waiters) w.stopped(new Error(`${name}: stopped`));
      waiters = [];
    },
  };
}

/** Ends a connection: politely when stopping, else at once (a dead link answers nothing). */
async function close(client: ReturnType<typeof createDedicatedClient>, polite: boolean): Promise<void> {
  if (polite) {
    await Promise.race([client.end().catch(() => undefined), sleep(2_000)]);
    return;
  }
  // pg keeps the socket on `connection.stream`; ending it never waits for a peer that is gone.
  (client as unknown as { connection?: { stream?: { destroy(): void } } }).connection?.stream?.destroy();
  client.end().catch(() => undefined);
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    timer.unref();
    signal?.addEventListener(
      "abort",
      () => {
        clearTimeout(timer);
        resolve();
      },
      { once: true },
    );
  });
}
