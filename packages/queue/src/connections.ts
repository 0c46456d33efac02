import type { ConnectionOptions } from "bullmq";

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

/**
 * How BullMQ's PostgreSQL backend connects: its own tables in schema `bullmq`, beside the
 * registries, and its commits asynchronous (`synchronous_commit=off`, these sessions only). The
 * queues do not hold state (agents reconcile toward the registries' desired state; Redis runs
 * without persistence for the same reason), so a queue write need not wait for its WAL flush: a
 * PostgreSQL crash can lose the last moments (at most 3 × wal_writer_delay, 0.6 s by default) of
 * queue writes, never corrupt them, and the registries' commits stay synchronous. A control job's
 * round trip makes three commits (add, take, finish): waiting for three flushes was most of it
 * (bench `dispatch.postgres`).
 */
export function postgresConnection(url: string) {
  return { connectionString: url, schema: "bullmq", migrate: true, options: "-c synchronous_commit=off" };
}
