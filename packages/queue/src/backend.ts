import {
  type ConnectionOptions,
  createPostgresBackend,
  type Job,
  type JobsOptions,
  Queue,
  type QueueOptions,
  Worker,
  type WorkerOptions,
  withBackend,
} from "bullmq";

/** Where BullMQ keeps its queues: Redis (preferred) or BullMQ's PostgreSQL backend. */
export type QueueBackendConfig = { kind: "redis"; url: string } | { kind: "postgres"; url: string };

export type JobProcessor<D, R> = (job: Job<D, R>) => Promise<R>;

export interface QueueHandle<D> {
  readonly name: string;
  add(jobName: string, data: D, opts?: JobsOptions): Promise<Job<D>>;
  getJob(id: string): Promise<Job<D> | undefined>;
  counts(): Promise<Record<string, number>>;
  close(): Promise<void>;
}

export interface WorkerHandle {
  close(): Promise<void>;
  on(event: "failed", listener: (job: Job | undefined, err: Error) => void): void;
}

/** One interface over both backends so apps never branch on where queues live. */
export interface QueueBackend {
  readonly kind: QueueBackendConfig["kind"];
  queue<D>(name: string): QueueHandle<D>;
  worker<D, R>(name: string, processor: JobProcessor<D, R>, opts?: { concurrency?: number }): WorkerHandle;
  close(): Promise<void>;
}

export function redisConnection(url: string): ConnectionOptions {
  const u = new URL(url);
  return {
    host: u.hostname,
    port: Number(u.port || 6379),
    username: u.username || undefined,
    password: u.password ? decodeURIComponent(u.password) : undefined,
    db: u.pathname.length > 1 ? Number(u.pathname.slice(1)) : 0,
    // BullMQ workers block on Redis; retries per request must be unbounded (BullMQ docs).
    maxRetriesPerRequest: null,
  };
}

export function connectQueueBackend(config: QueueBackendConfig): QueueBackend {
  const closers = new Set<{ close(): Promise<void> }>();
  const track = <T extends { close(): Promise<void> }>(x: T): T => {
    closers.add(x);
    return x;
  };
  const classes =
    config.kind === "redis"
      ? {
          makeQueue: (name: string) =>
            new Queue(name, { connection: redisConnection(config.url) } satisfies QueueOptions),
          makeWorker: <D, R>(name: string, fn: JobProcessor<D, R>, concurrency: number) =>
            new Worker<D, R>(name, fn, {
              connection: redisConnection(config.url),
              concurrency,
            } satisfies WorkerOptions),
        }
      : postgresClasses(config.url);
  return {
    kind: config.kind,
    queue<D>(name: string): QueueHandle<D> {
      // biome-ignore lint/suspicious/noExplicitAny: BullMQ's generic Queue types differ per backend
      const q = track(classes.makeQueue(name)) as any;
      return {
        name,
        add: (jobName, data, opts) => q.add(jobName, data, opts),
        getJob: (id) => q.getJob(id),
        counts: () => q.getJobCounts(),
        close: async () => {
          closers.delete(q);
          await q.close();
        },
      };
    },
    worker<D, R>(name: string, processor: JobProcessor<D, R>, opts?: { concurrency?: number }) {
      const w = track(classes.makeWorker<D, R>(name, processor, opts?.concurrency ?? 4));
      return {
        close: async () => {
          closers.delete(w);
          await w.close();
        },
        on: (event, listener) => {
          w.on(event, listener as never);
        },
      };
    },
    async close() {
      await Promise.allSettled([...closers].map((c) => c.close()));
      closers.clear();
    },
  };
}

function postgresClasses(url: string) {
  const pg = withBackend(createPostgresBackend);
  // BullMQ keeps its own tables in a schema of their own, beside the registries.
  const connection = { connectionString: url, schema: "bullmq", migrate: true };
  return {
    makeQueue: (name: string) => new pg.Queue(name, { connection }),
    makeWorker: <D, R>(name: string, fn: JobProcessor<D, R>, concurrency: number) =>
      new pg.Worker<D, R>(name, fn as never, { connection, concurrency }),
  };
}
