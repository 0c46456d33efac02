import {
  EXECUTOR_STALE_SECONDS,
  randomAlnum,
  type TExecutorHeartbeat,
  type TExecutorRecord,
  type TRegisterExecutorRequest,
} from "@aios/contracts";
import type { Db, PolicyExecutor } from "@aios/db";
import { ForbiddenError, NotFoundError, UserError } from "../../errors";
import type { WorkloadTargets } from "../../workload-targets";
import type { SecretBox } from "../container-registries/secret-box";

/** `pex-` + 8 characters. */
const newExecutorId = () => `pex-${randomAlnum(8)}`;

export function executorRecord(row: PolicyExecutor, now = Date.now()): TExecutorRecord {
  const stale = now - row.lastSeenAt.getTime() > EXECUTOR_STALE_SECONDS * 1000;
  return {
    id: row.id,
    name: row.name,
    url: row.url,
    group: row.group,
    capacity: row.capacity,
    status: stale ? "unreachable" : "healthy",
    inFlight: row.inFlight,
    served: row.served,
    failed: row.failed,
    registeredAt: row.registeredAt.toISOString(),
    lastSeenAt: row.lastSeenAt.toISOString(),
    registeredBy: row.registeredBy,
  };
}

/** Who acts on an executor: the token that registered it, or an admin (anyone in open mode). */
export interface ExecutorCaller {
  tokenId: string | null;
  admin: boolean;
}

function mayAct(row: PolicyExecutor, caller: ExecutorCaller): boolean {
  return caller.admin || caller.tokenId === null || row.registeredBy === caller.tokenId;
}

/** The registry of deployed executors: registration, heartbeats, listing, removal. */
export function createExecutorRegistry(
  db: Db,
  box: SecretBox,
  /** Where the API calls workloads: an executor's URL at an address it does not call is refused. */
  workloads?: Pick<WorkloadTargets, "refusal">,
) {
  async function row(id: string, field = "id"): Promise<PolicyExecutor> {
    const r = await db.policyExecutor.findUnique({ where: { id } });
    if (!r) throw new NotFoundError("policy executor", id, field);
    return r;
  }
  return {
    row,
    /**
     * Registers an executor by name. The same name again (the executor restarted, or moved) keeps
     * its id and takes the new URL, capacity, group and call token; only the token that registered
     * it first, or an admin, may do that.
     */
    async register(req: TRegisterExecutorRequest, caller: ExecutorCaller): Promise<TExecutorRecord> {
      const refused = workloads?.refusal(req.url);
      if (refused) throw UserError.field("url", refused);
      const existing = await db.policyExecutor.findUnique({ where: { name: req.name } });
      if (existing && !mayAct(existing, caller))
        throw new ForbiddenError(
          `name: the executor ${JSON.stringify(req.name)} was registered by another token; remove it first or pick another name`,
        );
      const id = existing?.id ?? newExecutorId();
      const fields = {
        url: req.url,
        capacity: req.capacity,
        group: req.group ?? null,
        callTokenSealed: box.seal(req.callToken, id),
        inFlight: 0,
        served: 0,
        failed: 0,
        lastSeenAt: new Date(),
      };
      const saved = await db.policyExecutor.upsert({
        where: { name: req.name },
        create: { id, name: req.name, registeredBy: caller.tokenId, ...fields },
        update: fields,
      });
      return executorRecord(saved);
    },

    async heartbeat(beat: TExecutorHeartbeat, caller: ExecutorCaller): Promise<TExecutorRecord> {
      const existing = await row(beat.id);
      if (!mayAct(existing, caller))
        throw new ForbiddenError(`id: the executor ${beat.id} was registered by another token`);
      const saved = await db.policyExecutor.update({
        where: { id: beat.id },
        data: { inFlight: beat.inFlight, served: beat.served, failed: beat.failed, lastSeenAt: new Date() },
      });
      return executorRecord(saved);
    },

    async list(filter: { group?: string | undefined } = {}): Promise<TExecutorRecord[]> {
      const rows = await db.policyExecutor.findMany({
        where: filter.group !== undefined ? { group: filter.group } : {},
        orderBy: { name: "asc" },
      });
      const now = Date.now();
      return rows.map((r) => executorRecord(r, now));
    },

    async get(id: string): Promise<TExecutorRecord> {
      return executorRecord(await row(id));
    },

    async remove(id: string, caller: ExecutorCaller): Promise<TExecutorRecord> {
      const existing = await row(id);
      if (!mayAct(existing, caller))
        throw new ForbiddenError(`id: the executor ${id} was registered by another token`);
      await db.policyExecutor.delete({ where: { id } });
      return executorRecord(existing);
    },

    /** The healthy executors of a group (or the one named), with their call tokens opened. */
    async reachable(where: { id: string } | { group: string }): Promise<ReachableExecutor[]> {
      const since = new Date(Date.now() - EXECUTOR_STALE_SECONDS * 1000);
      const rows = await db.policyExecutor.findMany({
        where: { ...where, lastSeenAt: { gte: since } },
      });
      return rows.map((r) => ({
        id: r.id,
        url: r.url,
        capacity: r.capacity,
        reportedInFlight: r.inFlight,
        callToken: box.open(r.callTokenSealed, r.id),
      }));
    },
  };
}

export interface ReachableExecutor {
  id: string;
  url: string;
  capacity: number;
  reportedInFlight: number;
  callToken: string;
}

export type ExecutorRegistry = ReturnType<typeof createExecutorRegistry>;
