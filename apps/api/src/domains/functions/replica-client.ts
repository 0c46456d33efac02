import { type TPolicyCallResult, ZPolicyCallResult } from "@aios/contracts";
import { dataHeaders } from "@aios/service-kit";
import type { Dispatcher } from "undici";

/**
 * POSTs to a function replica's data route (`/invoke`) with the replica's data token (the API is
 * the caller it trusts) over the API's connections to workloads (`workload-targets.ts`), and
 * validates its answer.
 */
export async function callReplica(
  workloads: Dispatcher,
  endpoint: string,
  path: "invoke",
  body: unknown,
  dataToken: string | null,
  timeoutMs = 10_000,
): Promise<TPolicyCallResult> {
  const url = new URL(endpoint);
  const res = await workloads.request({
    origin: url.origin,
    path: `${url.pathname.replace(/\/+$/, "")}/${path}`,
    method: "POST",
    headers: { "content-type": "application/json", ...dataHeaders(dataToken) },
    body: JSON.stringify(body),
    headersTimeout: timeoutMs,
    bodyTimeout: timeoutMs,
  });
  const ok = res.statusCode >= 200 && res.statusCode < 300;
  if (!ok && res.statusCode !== 422) {
    await res.body.dump();
    throw new Error(`replica answered HTTP ${res.statusCode}`);
  }
  return ZPolicyCallResult.parse(await res.body.json());
}
