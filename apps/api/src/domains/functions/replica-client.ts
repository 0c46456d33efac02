import { type TPolicyCallResult, ZPolicyCallResult } from "@aios/contracts";
import { dataHeaders } from "@aios/service-kit";

/**
 * POSTs to a function replica's data route (`/invoke`) with the replica's data token (the API is
 * the caller it trusts) and validates its answer.
 */
export async function callReplica(
  endpoint: string,
  path: "invoke",
  body: unknown,
  dataToken: string | null,
  timeoutMs = 10_000,
): Promise<TPolicyCallResult> {
  const res = await fetch(`${endpoint}/${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", ...dataHeaders(dataToken) },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(timeoutMs),
  });
  if (!res.ok && res.status !== 422) throw new Error(`replica answered HTTP ${res.status}`);
  return ZPolicyCallResult.parse(await res.json());
}
