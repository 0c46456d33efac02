import { Watch } from "@kubernetes/client-node";
import { type KubeApi, kubeMessage } from "./kube-api";

/** The part of a Kubernetes object the cache keys and versions it by. */
export interface KubeObject {
  metadata?: { name?: string; namespace?: string; resourceVersion?: string; uid?: string };
}

export interface ListBody<T> {
  items: T[];
  metadata?: { resourceVersion?: string };
}

export type CacheEvent = "added" | "modified" | "deleted";

export interface ObjectCacheOptions<T> {
  /** The collection's path for watches, e.g. `/api/v1/namespaces/aios/pods`. */
  path: string;
  /** The same collection listed through the typed API (which gives every call its deadline). */
  list: (selectors: { labelSelector: string; fieldSelector?: string }) => Promise<ListBody<T>>;
  labelSelector: string;
  fieldSelector?: string;
  /** The server ends each watch after this long (it is started again from where it stopped). */
  watchTimeoutSeconds?: number;
  /** A watch that hears nothing (not even a bookmark) for this long is taken as stalled and started again. */
  stallMs?: number;
  /** First wait after a failed list or watch; doubled each time up to maxBackoffMs. */
  backoffMs?: number;
  maxBackoffMs?: number;
  onError?: (message: string) => void;
}

/**
 * A list + watch of one collection, kept in memory (an informer): the objects by name, current as
 * of the last event. Every watch carries a server-side `timeoutSeconds` and asks for bookmarks; a
 * watch that stalls (no line within `stallMs`) is aborted; a watch that ends or fails is started
 * again from the last resourceVersion, after a backoff when it failed; a 410 Gone (the version is
 * too old) lists again. `reconnects` counts every watch started after the first.
 */
export class ObjectCache<T extends KubeObject> {
  private readonly objects = new Map<string, T>();
  private readonly listeners = new Set<(event: CacheEvent, obj: T) => void>();
  private resourceVersion = "";
  private stopped = false;
  private abort: AbortController | null = null;
  private timer: NodeJS.Timeout | null = null;
  private backoff: number;
  private synced = false;
  private starting: Promise<void> | null = null;
  reconnects = 0;

  constructor(
    private readonly api: KubeApi,
    private readonly opts: ObjectCacheOptions<T>,
  ) {
    this.backoff = opts.backoffMs ?? 500;
  }

  /** Lists, then watches; resolves once the first list is in (and again lists if it failed). */
  async whenStarted(): Promise<void> {
    if (this.synced) return;
    this.starting ??= this.list().then(
      () => this.watch(),
      (err: unknown) => {
        this.starting = null;
        throw err;
      },
    );
    await this.starting;
  }

  get(name: string): T | undefined {
    return this.objects.get(name);
  }

  values(): T[] {
    return [...this.objects.values()];
  }

  /** Called for every change after the first list (and for what a new list found changed). */
  on(listener: (event: CacheEvent, obj: T) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Takes an object the caller just wrote, so a read right after sees it before its event comes. */
  put(obj: T): void {
    const name = obj.metadata?.name;
    if (!name) return;
    const held = this.objects.get(name);
    if (held && Number(held.metadata?.resourceVersion) > Number(obj.metadata?.resourceVersion)) return;
    this.objects.set(name, obj);
  }

  stop(): void {
    this.stopped = true;
    this.abort?.abort();
    if (this.timer) clearTimeout(this.timer);
  }

  private async list(): Promise<void> {
    const body = await this.opts.list({
      labelSelector: this.opts.labelSelector,
      ...(this.opts.fieldSelector ? { fieldSelector: this.opts.fieldSelector } : {}),
    });
    const seen = new Set<string>();
    for (const obj of body.items) {
      const name = obj.metadata?.name;
      if (!name) continue;
      seen.add(name);
      const held = this.objects.get(name);
      this.objects.set(name, obj);
      if (this.synced && held?.metadata?.resourceVersion !== obj.metadata?.resourceVersion)
        this.emit(held ? "modified" : "added", obj);
    }
    for (const [name, obj] of [...this.objects]) {
      if (seen.has(name)) continue;
      this.objects.delete(name);
      if (this.synced) this.emit("deleted", obj);
    }
    this.resourceVersion = body.metadata?.resourceVersion ?? "";
    this.synced = true;
  }

  private watch(): void {
    if (this.stopped) return;
    const watch = new Watch(this.api.kc);
    const timeoutSeconds = this.opts.watchTimeoutSeconds ?? 60;
    // The watch's own inactivity timer (private in its types): a stalled stream is aborted.
    (watch as unknown as { requestTimeoutMs: number }).requestTimeoutMs =
      this.opts.stallMs ?? (timeoutSeconds + 15) * 1000;
    let gone = false;
    const query = {
      labelSelector: this.opts.labelSelector,
      ...(this.opts.fieldSelector ? { fieldSelector: this.opts.fieldSelector } : {}),
      resourceVersion: this.resourceVersion,
      allowWatchBookmarks: true,
      timeoutSeconds,
    };
    void watch
      .watch(
        this.opts.path,
        query,
        (type: string, obj: T & { code?: number }) => {
          this.backoff = this.opts.backoffMs ?? 500;
          if (type === "ERROR") {
            if (obj.code === 410) gone = true;
            return;
          }
          const rv = obj.metadata?.resourceVersion;
          if (rv) this.resourceVersion = rv;
          if (type === "BOOKMARK") return;
          const name = obj.metadata?.name;
          if (!name) return;
          if (type === "DELETED") {
            this.objects.delete(name);
            this.emit("deleted", obj);
          } else {
            const held = this.objects.has(name);
            this.objects.set(name, obj);
            this.emit(type === "ADDED" && !held ? "added" : "modified", obj);
          }
        },
        (err: unknown) => this.ended(err, gone),
      )
      .then((abort) => {
        this.abort = abort;
        if (this.stopped) abort.abort();
      });
  }

  /** A watch ended: again at once when the server closed it, after a backoff when it failed. */
  private ended(err: unknown, gone: boolean): void {
    if (this.stopped) return;
    this.reconnects++;
    const failed = err !== null && err !== undefined;
    if (failed) this.opts.onError?.(`watch of ${this.opts.path} failed: ${kubeMessage(err)}`);
    const delay = failed ? this.backoff : 0;
    if (failed) this.backoff = Math.min(this.backoff * 2, this.opts.maxBackoffMs ?? 15_000);
    this.timer = setTimeout(() => {
      this.timer = null;
      const next = gone || failed ? this.list() : Promise.resolve();
      next.then(
        () => this.watch(),
        (e: unknown) => this.ended(e, true),
      );
    }, delay);
    this.timer.unref();
  }

  private emit(event: CacheEvent, obj: T): void {
    for (const listener of this.listeners) listener(event, obj);
  }
}
