import type { Driver } from "./drivers/driver";

/** How long stopAll waits for work under way (a process being started) before stopping. */
export const STOP_SETTLE_MS = 15_000;

/** Resolves when every promise has settled, or after `ms`, whichever comes first. */
export function settledWithin(promises: Promise<unknown>[], ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<void>((r) => {
    timer = setTimeout(r, ms);
  });
  return Promise.race([Promise.allSettled(promises).then(() => undefined), timeout]).finally(() =>
    clearTimeout(timer),
  );
}

/** What the reconciler keeps with each hosted thing. */
export interface Queued {
  /** The id's work, one piece at a time and in order. */
  chain: Promise<void>;
  /** A tick is queued: do not queue another behind it. */
  ticking?: boolean;
}

export interface ReconcilerOptions<H extends Queued> {
  driver: Driver;
  /** The state of an id that starts being hosted. */
  newHost(): Omit<H, keyof Queued>;
  /** Makes one id's processes match its desired state in the API. */
  reconcile(id: string, host: H): Promise<void>;
  /** One look at one id's running processes. */
  tick(id: string, host: H): Promise<void>;
  /** The ids the API wants on this cluster. */
  wanted(clusterId: string): Promise<string[]>;
  /** The id a workload of this kind belongs to, from its name; null for any other workload. */
  ownerOf(workloadName: string): string | null;
  /** Stops every process of one id. */
  stop(host: H): Promise<void>;
  /** A piece of an id's work failed; the next one runs anyway. */
  failed(id: string, err: Error): void;
}

/**
 * The hosted things of one kind on this cluster (blocks, vDAG controllers) by id: each id's work runs
 * serially, a tick is never queued twice, and `reconcileAll` follows the API's list and stops the
 * workloads of ids nobody hosts (removed while no agent ran).
 */
export class Reconciler<H extends Queued> {
  readonly hosted = new Map<string, H>();
  private stopped = false;

  constructor(private readonly opts: ReconcilerOptions<H>) {}

  hostOf = (id: string): H => {
    let host = this.hosted.get(id);
    if (!host) {
      host = { ...this.opts.newHost(), chain: Promise.resolve() } as H;
      this.hosted.set(id, host);
    }
    return host;
  };

  /** Runs `work` after the id's earlier work; its failure is reported and does not stop the chain. */
  serial = (id: string, work: (host: H) => Promise<void>): Promise<void> => {
    const host = this.hostOf(id);
    // Once stopping, no new work starts (it could start a process nobody stops).
    const run = host.chain.then(() => (this.stopped ? undefined : work(host)));
    host.chain = run.catch((err: Error) => this.opts.failed(id, err));
    return run;
  };

  reconcile = (id: string): Promise<void> => this.serial(id, (host) => this.opts.reconcile(id, host));

  /**
   * One round of the id's periodic work. Its failure is reported (`failed`) and it never rejects:
   * the watch fires ticks and forgets them, and a rejection nobody handles would end the agent
   * (the API unreachable for a moment must not take the controllers down with it).
   */
  tick = (id: string): Promise<void> => {
    const host = this.hostOf(id);
    if (host.ticking) return Promise.resolve();
    host.ticking = true;
    return this.serial(id, (h) => this.opts.tick(id, h))
      .catch(() => undefined)
      .finally(() => {
        host.ticking = false;
      });
  };

  reconcileAll = async (clusterId: string): Promise<void> => {
    const wanted = new Set(await this.opts.wanted(clusterId));
    for (const id of new Set([...wanted, ...this.hosted.keys()])) await this.reconcile(id);
    for (const name of this.opts.driver.list()) {
      const id = this.opts.ownerOf(name);
      if (id && !wanted.has(id) && !this.hosted.has(id)) await this.opts.driver.adopt(name)?.stop();
    }
  };

  hostedIds = (): string[] => [...this.hosted.keys()];

  /**
   * Stops every process of every id (a single-machine install going down). Work under way may be
   * starting a process: it is given a moment to finish so that process is stopped with the rest,
   * and whatever of this kind still has a record in the driver afterwards is stopped too.
   */
  stopAll = async (settleMs = STOP_SETTLE_MS): Promise<void> => {
    this.stopped = true;
    const hosts = [...this.hosted.values()];
    await settledWithin(
      hosts.map((h) => h.chain),
      settleMs,
    );
    await Promise.all(hosts.map((host) => this.opts.stop(host)));
    this.hosted.clear();
    const left = this.opts.driver.list().filter((name) => this.opts.ownerOf(name) !== null);
    await Promise.all(left.map((name) => this.opts.driver.adopt(name)?.stop()));
  };

  /** Lets the processes run on for the next agent to adopt (an agent restart or upgrade). */
  detach = (): void => {
    this.stopped = true;
    this.hosted.clear();
  };

  get stopping(): boolean {
    return this.stopped;
  }
}
