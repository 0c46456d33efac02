/** The agent's side of the executor's control endpoints (see @aios/block-runtime's README). */
export interface ExecutorDesired {
  generation: number;
  scaleTo: number;
  remove: string[];
  replace: string[];
  replaceReasons: Record<string, string>;
}

export type InstanceState = "starting" | "healthy" | "unhealthy" | "draining";

async function call<T>(url: string, init?: RequestInit): Promise<T> {
  const res = await fetch(url, { ...init, signal: AbortSignal.timeout(3_000) });
  if (!res.ok) throw new Error(`${init?.method ?? "GET"} ${url}: HTTP ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

export const executorClient = {
  putInstances: (endpoint: string, instances: Array<{ id: string; endpoint: string }>) =>
    call(`${endpoint}/instances`, {
      method: "PUT",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ instances }),
    }),
  desired: (endpoint: string) => call<ExecutorDesired>(`${endpoint}/desired`),
  /** Each instance's state as the executor's health checker sees it. */
  async states(endpoint: string): Promise<Map<string, InstanceState>> {
    const status = await call<{ instances?: Array<{ id: string; state: InstanceState }> }>(
      `${endpoint}/status`,
    );
    return new Map((status.instances ?? []).map((i) => [i.id, i.state]));
  },
};
