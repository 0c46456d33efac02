import { type TPolicyCallResult, ZPolicyCallResult } from "@aios/contracts";

/** POSTs to a function replica's data route (`/invoke`) and validates its answer. */
export async function callReplica(
  endpoint: string,
  path: "invoke",
  body: unknown,
  timeoutMs = 10_000,
): Promise<TPolicyCallResult> {
  const res = await fetch(`${endpoint}/${path}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(timeoutMs),
  });
  if (!res.ok && res.status !== 422) throw new Error(`replica answered HTTP ${res.status}`);
  return ZPolicyCallResult.parse(await res.json());
}
