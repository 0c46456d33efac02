import type { EventEmitter } from "node:events";
import { type Db, sqlOf } from "@aios/db";
import { batchedLookup } from "../../batched-lookup";
import { NotFoundError, OperationalError } from "../../errors";
import { rememberedLookup } from "../../remembered-lookup";

/** The controller serving a vDAG: where it listens and the data token its routes take (null: none). */
export interface ServingController {
  id: string;
  url: string;
  clusterId: string | null;
  dataToken: string | null;
}

/**
 * How long a vDAG's serving controller is remembered: as a block's executor (`block-executor.ts`).
 * A vDAG status event (heard by every API process) or a report on one of its controllers in this
 * process forgets it at once; a request that finds the controller gone or its token refused reads it
 * again (`vdag-inference.service.ts`).
 */
export const CONTROLLER_TTL_MS = 1_000;

/** Emitted on the vDAG events by a controller's report: this process forgets what it remembered. */
export const CONTROLLER_REPORTED = "controller.reported";

/**
 * The controller serving a vDAG, asked for by every request to it. Read in plain SQL (Prisma read
 * the vDAG's whole row and every controller's, at about 0.5 ms of CPU a statement), the look-ups
 * of one turn of the event loop in one statement, and remembered CONTROLLER_TTL_MS.
 * NotFoundError for a vDAG that does not exist or was removed; OperationalError while no
 * controller of it runs (neither is remembered).
 */
export function createControllerLookup(db: Db, events: EventEmitter) {
  const rowOf = batchedLookup(async (uris) => {
    const rows = await sqlOf(db).query<{
      vdagURI: string;
      status: string;
      id: string | null;
      url: string | null;
      clusterId: string | null;
      dataToken: unknown;
    }>(
      `SELECT v.vdag_uri AS "vdagURI", v.status, c.id, c.url, c.cluster_id AS "clusterId",
              c.doc->'dataToken' AS "dataToken"
         FROM vdags v
         LEFT JOIN LATERAL (
           SELECT id, url, cluster_id, doc FROM vdag_controllers
            WHERE vdag_uri = v.vdag_uri AND status = 'running' AND url IS NOT NULL
            ORDER BY created_at LIMIT 1) c ON true
        WHERE v.vdag_uri = ANY($1::text[])`,
      [uris],
    );
    return new Map(rows.map((r) => [r.vdagURI, r]));
  });
  const read = async (vdagURI: string): Promise<ServingController> => {
    const r = await rowOf(vdagURI);
    if (!r || r.status === "removed") throw new NotFoundError("vDAG", vdagURI);
    if (!r.id || !r.url) {
      throw new OperationalError(`vDAG ${vdagURI} has no running controller yet (status ${r.status})`);
    }
    return {
      id: r.id,
      url: r.url,
      clusterId: r.clusterId,
      dataToken: typeof r.dataToken === "string" ? r.dataToken : null,
    };
  };
  const keyOf = (e: { vdagURI: string }) => e.vdagURI;
  return rememberedLookup({
    read,
    ttlMs: CONTROLLER_TTL_MS,
    forgetOn: [
      { events, event: "status", keyOf },
      // A report (a controller started, moved or stopped) forgets it too, in this process.
      { events, event: CONTROLLER_REPORTED, keyOf },
    ],
  });
}
