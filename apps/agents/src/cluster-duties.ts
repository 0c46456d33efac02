import type { ApiClient } from "@aios/client";
import type { Logger } from "@aios/service-kit";

/**
 * How the duties' work stops: `handover` (another node holds them now: stop every process) or
 * `exit` (this agent is stopping: what may be adopted by its next start runs on).
 */
export type DutyStop = "handover" | "exit";

/** What holding the duties runs; resolves to their stop. */
export type BeginDuties = () => Promise<(how: DutyStop) => Promise<void>>;

/**
 * The cluster's own duties (its queue, stability checker, functions and vDAG controllers) on one
 * agent of the cluster at a time: each `renew` takes or renews the lease in the API, starts the
 * duties when this node got it and stops them when another node holds it. A holder that cannot
 * reach the API gives the duties up once its lease has lapsed, since another agent may take them
 * from then on.
 */
export function createClusterDuties(opts: {
  api: ApiClient;
  clusterId: string;
  nodeId: string;
  log: Logger;
  begin: BeginDuties;
}) {
  const { api, clusterId, nodeId, log } = opts;
  let stopDuties: ((how: DutyStop) => Promise<void>) | null = null;
  /** The duties being taken up: renewals go on meanwhile, so the lease never lapses for it. */
  let starting: Promise<void> | null = null;
  let leaseUntil = 0;
  let chain: Promise<void> = Promise.resolve();
  let pending: Promise<void> | null = null;
  let closed = false;

  const take = () => {
    if (stopDuties || starting || closed) return;
    log.info("holding the cluster's duties", { clusterId, nodeId });
    starting = opts
      .begin()
      .then((stop) => {
        stopDuties = stop;
      })
      .catch((err: Error) => log.warn("the cluster's duties did not start", { err: err.message }))
      .finally(() => {
        starting = null;
      });
  };
  const drop = async (why: string, how: DutyStop = "handover") => {
    await starting;
    const stop = stopDuties;
    if (!stop) return;
    stopDuties = null;
    log.warn("giving up the cluster's duties", { clusterId, nodeId, why });
    await stop(how);
  };

  const renewNow = async () => {
    try {
      const lease = await api.agents.work.clusterDuty.mutate({ clusterId, nodeId });
      if (lease.mine) {
        leaseUntil = lease.until ? Date.parse(lease.until) : 0;
        take();
      } else {
        await drop(`node ${lease.holder ?? "?"} holds them`);
      }
    } catch (err) {
      log.warn("cluster duty lease not renewed", { err: (err as Error).message });
      if ((stopDuties || starting) && Date.now() > leaseUntil) {
        await drop("its lease lapsed while the API was out of reach");
      }
    }
  };

  return {
    /** Takes, renews or gives up the duties; a call while one is under way joins it. */
    renew(): Promise<void> {
      pending ??= chain.then(renewNow).finally(() => {
        pending = null;
      });
      chain = pending;
      return pending;
    },
    holding: (): boolean => stopDuties !== null || starting !== null,
    /** Stops the duties' work (the agent is stopping); `release` lets another agent take them at once. */
    async close(release: boolean): Promise<void> {
      closed = true;
      await chain.catch(() => undefined);
      await starting;
      const held = stopDuties !== null;
      await drop("the agent is stopping", "exit");
      if (held && release) {
        await api.agents.work.releaseClusterDuty
          .mutate({ clusterId, nodeId })
          .catch((err: Error) => log.warn("cluster duty not released", { err: err.message }));
      }
    },
  };
}
