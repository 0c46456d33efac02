import type { APIRequestContext } from "@playwright/test";
import { API_URL, expect } from "./fixtures";

/**
 * The API calls the functions, graphs and jobs specs make to set up what they then look at in the
 * console (tRPC over plain HTTP: a mutation is a POST of its input, a query a GET with `?input=`).
 */
export const COUNTER = "counter:1.0.0-stable";
export const WORD_STATS = "word-stats:1.0.0-stable";

/** A start of replicas or a job takes a few seconds; a cold agent (first test of a run) more. */
export const AGENT_TIMEOUT = 60_000;

/** A name no earlier run of the spec used (the e2e data persists only within one run). */
export const uniqueName = (prefix: string) => `${prefix}-${Date.now().toString(36)}`;

export async function mutate(request: APIRequestContext, path: string, input: unknown): Promise<unknown> {
  const res = await request.post(`${API_URL}/trpc/${path}`, { data: input });
  expect(res.status(), `${path}: ${await res.text()}`).toBe(200);
  return ((await res.json()) as { result: { data: unknown } }).result.data;
}

/** The query's data, or null when the API answered an error (such as not found). */
export async function query<T>(request: APIRequestContext, path: string, input: unknown): Promise<T | null> {
  const res = await request.get(`${API_URL}/trpc/${path}?input=${encodeURIComponent(JSON.stringify(input))}`);
  if (!res.ok()) return null;
  return ((await res.json()) as { result: { data: T } }).result.data;
}

/** Deploys a function on the local cluster and waits until its agent reports it running. */
export async function deployFunction(
  request: APIRequestContext,
  name: string,
  policyRuleURI: string,
  replicas = 1,
): Promise<void> {
  await mutate(request, "functions.deploy", { name, policyRuleURI, clusterId: "local", replicas });
  await expect
    .poll(async () => (await query<{ status: string }>(request, "functions.get", { name }))?.status, {
      timeout: AGENT_TIMEOUT,
      intervals: [500],
    })
    .toBe("running");
}

/** Registers a ranking policy whose eval is `body` (its input: `filterResult`); answers its URI. */
export async function createRankingPolicy(request: APIRequestContext, name: string, body: string) {
  const code = `import { definePolicy } from "@aios/policy-runtime";
export default definePolicy({ kind: "ranking", init() { return {}; }, eval(input) { ${body} } });
`;
  await mutate(request, "policies.create", {
    values: { name, version: "1.0.0", releaseTag: "stable", kind: "ranking", code },
  });
  return `${name}:1.0.0-stable`;
}
