import type { EventEmitter } from "node:events";
import { type Db, sqlOf } from "@aios/db";
import { dataHeaders } from "@aios/service-kit";
import type { Dispatcher } from "undici";
import { batchedLookup } from "../../batched-lookup";
import { NotFoundError, OperationalError } from "../../errors";
import { rememberedLookup } from "../../remembered-lookup";
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

  return rememberedLookup({
    read,
    ttlMs: EXECUTOR_TTL_MS,
    now,
    forgetOn: events ? [{ events, event: "status", keyOf: (e: { blockId: string }) => e.blockId }] : [],
  });
}

/** A block's executor's live figures (`GET /status`); OperationalError when it does not answer in 3 s. */
export async function executorStatus(
  workloads: Dispatcher,
  blockId: string,
  target: ExecutorTarget,
): Promise<Record<string, unknown>> {
  try {
    const res = await workloads.request({
      origin: target.origin,
      path: `${target.inferPath.replace(/\/infer$/, "")}/status`,
      method: "GET",
      headersTimeout: 3_000,
      bodyTimeout: 3_000,
    });
    return (await res.body.json()) as Record<string, unknown>;
  } catch (err) {
    throw new OperationalError(`the executor of block ${blockId} did not answer: ${(err as Error).message}`);
  }
}
