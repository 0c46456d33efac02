import { type PolicyQuery, QUERY_TIMEOUT_MS } from "./sandbox/query-rounds";

/**
 * Where code that runs without an API token of its own sends its policies' `ctx.query`: the API's
 * `POST /v1/clusters/<clusterId>/metrics/query` with a key that reads that cluster's metrics alone
 * (a block's executor, a policy job run as a Kubernetes Job). Given to such a process as JSON in
 * this variable (a secret one).
 */
export const METRICS_QUERY_ENV = "AIOS_METRICS_QUERY";

export interface MetricsQueryTarget {
  /** The route's whole URL. */
  url: string;
  /** The metrics key, sent as `authorization: Bearer`. */
  token: string;
}

/** The route of cluster `clusterId`'s metrics at the API `apiUrl` (as the process reaches it). */
export const clusterMetricsQueryUrl = (apiUrl: string, clusterId: string) =>
  `${apiUrl.replace(/\/+$/, "")}/v1/clusters/${encodeURIComponent(clusterId)}/metrics/query`;

/** The target in `METRICS_QUERY_ENV`, undefined when unset; throws naming the variable when malformed. */
export function metricsQueryTargetOf(value: string | undefined): MetricsQueryTarget | undefined {
  if (value === undefined || value === "") return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    throw new Error(`${METRICS_QUERY_ENV}: not JSON`);
  }
  const t = parsed as Partial<MetricsQueryTarget> | null;
  if (typeof t?.url !== "string" || !/^https?:\/\//.test(t.url))
    throw new Error(`${METRICS_QUERY_ENV}.url: must be an http(s) URL`);
  if (typeof t.token !== "string" || t.token.length < 16)
    throw new Error(`${METRICS_QUERY_ENV}.token: must be an API key`);
  return { url: t.url, token: t.token };
}

/**
 * `ctx.query` answered by the API over HTTP: the answer, or an error that says why (the API's own
 * message for a refused or malformed query). Each call is bounded by QUERY_TIMEOUT_MS.
 */
export function remoteMetricsQuery(target: MetricsQueryTarget): PolicyQuery {
  return async (query) => {
    const res = await fetch(target.url, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${target.token}` },
      body: JSON.stringify(query),
      signal: AbortSignal.timeout(QUERY_TIMEOUT_MS),
    });
    const text = await res.text();
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      throw new Error(`the metrics query answered ${res.status} with no JSON`);
    }
    if (res.ok) return body;
    const message = (body as { error?: { message?: unknown } } | null)?.error?.message;
    throw new Error(typeof message === "string" ? message : `the metrics query answered ${res.status}`);
  };
}
