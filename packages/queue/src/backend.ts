import {
  createPostgresBackend,
  type Job,
  type JobsOptions,
  Queue,
  type QueueOptions,
  type Telemetry,
  Worker,
  type WorkerOptions,
  withBackend,
} from "bullmq";
import { postgresConnection, redisConnection } from "./connections";
import { createReplyChannel, REPLY_WANTED, type ReplyChannel } from "./replies";

/** Where BullMQ keeps its queues: Redis (preferred) or BullMQ's PostgreSQL backend. */
export type QueueBackendConfig = ({ kind: "redis"; url: string } | { kind: "postgres"; url: string }) & {
  /**
   * Errors of the connections (Redis down, say): each queue's or worker's told once per
   * `ERROR_QUIET_MS`, not once per reconnection attempt. Default: one line on stderr.
   */
  onError?: (where: string, err: Error) => void;
  /**
   * BullMQ's telemetry (`bullmq-otel`'s `BullMQOtel` when the process exports traces): a job added
   * within a span carries its trace context, and the worker's processing span continues it.
   */
  telemetry?: Telemetry;
};

interface WorkerTuning {
  concurrency: number;
  lockDuration?: number;
  stalledInterval?: number;
}

/** How long a queue's or worker's connection errors stay quiet after one was told. */
export const ERROR_QUIET_MS = 30_000;

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
  /**
   * Answers of asked jobs (a job whose data carries `REPLY_WANTED`): its worker publishes the
   * processor's result here as soon as it has it, and the asker that `expect`ed it has it then.
   */
  readonly replies: ReplyChannel;
  queue<D>(name: string): QueueHandle<D>;
  /**
   * `lockMs`: how long a job stays its worker's without the worker renewing it (renewed at half of
   * it while the job runs); a job whose process died is taken again within about twice this
   * (BullMQ's default: 30 s, so up to 60–90 s).
   */
  worker<D, R>(
    name: string,
    processor: JobProcessor<D, R>,
    opts?: { concurrency?: number; lockMs?: number },
  ): WorkerHandle;
  close(): Promise<void>;
}

export function connectQueueBackend(config: QueueBackendConfig): QueueBackend {
  const closers = new Set<{ close(): Promise<void> }>();
  const tell =
    config.onError ??
    ((where: string, err: Error) =>
      process.stderr.write(
        `${where}: ${err.message} (the same is not told again for ${ERROR_QUIET_MS / 1000} s)\n`,
      ));
  // Without a listener BullMQ prints every failed reconnection of every queue; one line per 30 s is enough.
  const quietly = (where: string) => {
    let last = 0;
    return (err: Error) => {
      if (Date.now() - last < ERROR_QUIET_MS) return;
      last = Date.now();
      tell(where, err);
    };
  };
  const track = <T extends { close(): Promise<void> }>(x: T): T => {
    closers.add(x);
    return x;
  };
  const replies = track(createReplyChannel(config, quietly("reply channel")));
  const telemetry = config.telemetry ? { telemetry: config.telemetry } : {};
  const classes =
    config.kind === "redis"
      ? {
          makeQueue: (name: string) =>
            new Queue(name, { connection: redisConnection(config.url), ...telemetry } satisfies QueueOptions),
          makeWorker: <D, R>(name: string, fn: JobProcessor<D, R>, tuning: WorkerTuning) =>
            new Worker<D, R>(name, fn, {
              connection: redisConnection(config.url),
              ...telemetry,
              ...tuning,
            } satisfies WorkerOptions),
        }
      : postgresClasses(config.url, telemetry);
  return {
    kind: config.kind,
    replies,
    queue<D>(name: string): QueueHandle<D> {
      // biome-ignore lint/suspicious/noExplicitAny: BullMQ's generic Queue types differ per backend
      const q = track(classes.makeQueue(name)) as any;
      q.on("error", quietly(`queue ${name}`));
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
    worker<D, R>(
      name: string,
      processor: JobProcessor<D, R>,
      opts?: { concurrency?: number; lockMs?: number },
    ) {
      const answering: JobProcessor<D, R> = async (job) => {
        const value = await processor(job);
        if ((job.data as Record<string, unknown> | null)?.[REPLY_WANTED] === true) {
          replies.publish(name, String(job.id), value);
        }
        return value;
      };
      const w = track(
        classes.makeWorker<D, R>(name, answering, {
          concurrency: opts?.concurrency ?? 4,
          ...(opts?.lockMs ? { lockDuration: opts.lockMs, stalledInterval: opts.lockMs } : {}),
        }),
      );
      w.on("error", quietly(`worker ${name}`));
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

function postgresClasses(url: string, telemetry: { telemetry?: Telemetry }) {
  const pg = withBackend(createPostgresBackend);
  const connection = postgresConnection(url);
  return {
    makeQueue: (name: string) => new pg.Queue(name, { connection, ...telemetry }),
    makeWorker: <D, R>(name: string, fn: JobProcessor<D, R>, tuning: WorkerTuning) =>
      new pg.Worker<D, R>(name, fn as never, { connection, ...telemetry, ...tuning }),
  };
}
