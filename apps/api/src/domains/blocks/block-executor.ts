import type { EventEmitter } from "node:events";
import { type Db, sqlOf } from "@aios/db";
import { dataHeaders } from "@aios/service-kit";
import { batchedLookup } from "../../batched-lookup";
import { NotFoundError, OperationalError } from "../../errors";
import { runtimeOf } from "./block-runtime-state";

/** Where a block's executor listens and the data token its `/infer` takes (null: none). */
export interface ExecutorTarget {
  endpoint: string;
  dataToken: string | null;
  /** The endpoint's origin and the path of its `/infer`, and the headers every call sends. */
  origin: string;
  inferPath: string;
  headers: Record<string, string>;
}

/**
 * How long a block's executor is remembered. Within it a change of the block's status (removed,
 * stopped: `blocks.status` events, heard by every API process) forgets it at once, and a caller
 * that finds the executor gone or its token refused asks again with `fresh` (`forwardToExecutor`).
 */
export const EXECUTOR_TTL_MS = 1_000;

/**
 * The executor of a block, asked for by every data-plane call. Read in plain SQL, the two fields
 * only (Prisma costs about 0.5 ms of CPU a statement, and reads and parses the whole document),
 * the look-ups of one turn of the event loop in one statement (`batchedLookup`), and remembered
 * for EXECUTOR_TTL_MS: at 1,000 calls a second the data plane read it 1,000 times a second, a
 * database round trip per call for a value that changes when an executor restarts.
 * NotFoundError for a block that does not exist or was removed; OperationalError while it has no
 * executor running (neither is remembered).
 */
export function createExecutorLookup(db: Db, events?: EventEmitter, now: () => number = Date.now) {
  const rowOf = batchedLookup(async (ids) => {
    const rows = await sqlOf(db).query<{ id: string; status: string; endpoint: unknown; dataToken: unknown }>(
      `SELECT id, status, doc->'runtime'->'executorEndpoint' AS endpoint,
              doc->'runtime'->'executorDataToken' AS "dataToken"
         FROM blocks WHERE id = ANY($1::text[])`,
      [ids],
    );
    return new Map(rows.map((r) => [r.id, r]));
  });
  const known = new Map<string, { target: ExecutorTarget; until: number }>();
  /** Bumped by every status event: a read under way when one came is not remembered. */
  let epoch = 0;
  events?.on("status", (e: { blockId: string }) => {
    epoch++;
    known.delete(e.blockId);
  });

  const read = async (id: string): Promise<ExecutorTarget> => {
    const r = await rowOf(id);
    if (!r || r.status === "removed") throw new NotFoundError("block", id);
    const runtime = runtimeOf({ runtime: { executorEndpoint: r.endpoint, executorDataToken: r.dataToken } });
    if (!runtime.executorEndpoint) {
      throw new OperationalError(`block ${id} has no running executor yet (status ${r.status})`);
    }
    const endpoint = runtime.executorEndpoint;
    const dataToken = runtime.executorDataToken ?? null;
    let url: URL;
    try {
      url = new URL(endpoint);
    } catch {
      throw new OperationalError(`block ${id} reports an executor at ${endpoint}, which is no URL`);
    }
    return {
      endpoint,
      dataToken,
      origin: url.origin,
      inferPath: `${url.pathname.replace(/\/+$/, "")}/infer`,
      // The executor takes `/infer` with its data token only: the API is the caller it trusts.
      headers: { "content-type": "application/json", ...dataHeaders(dataToken) },
    };
  };

  return async (id: string, opts: { fresh?: boolean } = {}): Promise<ExecutorTarget> => {
    const at = now();
    const entry = known.get(id);
    if (entry && entry.until > at && !opts.fresh) return entry.target;
    known.delete(id);
    const began = epoch;
    const target = await read(id);
    if (epoch === began) known.set(id, { target, until: at + EXECUTOR_TTL_MS });
    if (known.size > 10_000) {
      for (const [key, e] of known) if (e.until <= at) known.delete(key);
    }
    return target;
  };
}
