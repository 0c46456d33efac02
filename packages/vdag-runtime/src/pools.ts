import { Pool } from "undici";

/** Where a block's executor is: its keep-alive pool and the paths of its routes. */
export interface ExecutorTarget {
  endpoint: string;
  origin: string;
  pool: Pool;
  inferPath: string;
  healthPath: string;
  /** What `/infer` is sent with: the content type and the executor's data token as `authorization: Bearer`. */
  inferHeaders: Record<string, string>;
}

type PoolRequest = Parameters<Pool["request"]>[0] & { signal: AbortSignal };

/**
 * `pool.request`, ended as soon as its signal aborts. undici does not abort a request while its
 * connection is still being made (a host whose link was cut answers no SYN): left alone, it ends
 * with undici's own connect timeout (10 s) whatever the signal said. Here the caller has its
 * AbortError at once; undici drops the request when its connection attempt ends.
 */
export function requestUntilAborted(
  pool: Pick<Pool, "request">,
  opts: PoolRequest,
): ReturnType<Pool["request"]> {
  const { signal } = opts;
  if (signal.aborted) return Promise.reject(signal.reason);
  const request = pool.request(opts);
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      // Once it connects or fails, undici sees the abort; only its late answer is dropped here.
      request.then(
        (res) => res.body.destroy(),
        () => undefined,
      );
      reject(signal.reason);
    };
    signal.addEventListener("abort", onAbort, { once: true });
    request.then(
      (res) => {
        signal.removeEventListener("abort", onAbort);
        resolve(res);
      },
      (err) => {
        signal.removeEventListener("abort", onAbort);
        reject(err);
      },
    );
  });
}

/**
 * One undici keep-alive Pool per executor origin, shared by the walk and the health checks and by
 * the plans of successive configurations. Pools an applied configuration no longer uses are closed
 * once the requests of the older ones are done (`retain`).
 */
export class PoolRegistry {
  private readonly pools = new Map<string, Pool>();

  /** Throws on an endpoint that is not an http(s) URL. `dataToken`: the executor's, for its `/infer`. */
  target(endpoint: string, dataToken?: string | null): ExecutorTarget {
    const url = new URL(endpoint);
    if (url.protocol !== "http:" && url.protocol !== "https:")
      throw new Error(`executor endpoint ${endpoint} is not an http(s) URL`);
    let pool = this.pools.get(url.origin);
    if (!pool) {
      // The step timeout bounds every request, so undici's own timeouts are off.
      pool = new Pool(url.origin, { headersTimeout: 0, bodyTimeout: 0, keepAliveTimeout: 4_000 });
      this.pools.set(url.origin, pool);
    }
    const base = url.pathname.replace(/\/+$/, "");
    return {
      endpoint,
      origin: url.origin,
      pool,
      inferPath: `${base}/infer`,
      healthPath: `${base}/health`,
      inferHeaders: {
        "content-type": "application/json",
        ...(dataToken ? { authorization: `Bearer ${dataToken}` } : {}),
      },
    };
  }

  /** Closes the pools of origins not in `keep` (in the background; in-flight requests finish). */
  retain(keep: Set<string>): void {
    for (const [origin, pool] of this.pools) {
      if (keep.has(origin)) continue;
      this.pools.delete(origin);
      pool.close().catch(() => undefined);
    }
  }

  async close(): Promise<void> {
    const all = [...this.pools.values()];
    this.pools.clear();
    await Promise.all(all.map((p) => p.close().catch(() => p.destroy().catch(() => undefined))));
  }
}
