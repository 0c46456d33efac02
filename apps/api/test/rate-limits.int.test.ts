import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fakeUpstream } from "./fake-upstream";
import { useApiServer } from "./harness";
import { trpcOver } from "./trpc-http";

const BLOCK = "blk-rl-echo";
// A refill so slow that no bucket refills while the test runs: each key has its burst and no more.
const SLOW = 0.001;

/** Per-key rate limits of data-plane invokes and dry runs, over real HTTP with real tokens. */
describe("rate limits", () => {
  const api = useApiServer({
    auth: "token",
    rateLimits: {
      infer: { rate: SLOW, burst: 2, setting: "AIOS_RATE_LIMIT_INFER" },
      dryRun: { rate: SLOW, burst: 1, setting: "AIOS_RATE_LIMIT_DRY_RUN" },
    },
  });
  const executor = fakeUpstream("/infer");
  const tokens: Record<string, string> = {};

  beforeAll(async () => {
    const db = api.database.db;
    await db.component.create({
      data: {
        componentURI: "model.rl:1.0.0-stable",
        componentType: "model",
        name: "rl",
        version: "1.0.0",
        releaseTag: "stable",
      },
    });
    await db.block.create({
      data: {
        id: BLOCK,
        componentURI: "model.rl:1.0.0-stable",
        status: "running",
        doc: { runtime: { revision: 1, executorEndpoint: await executor.listen() } },
      },
    });
    for (const name of ["a", "b", "viewer"])
      tokens[name] = (
        await api.services.tokens.issue({
          name: `rl ${name}`,
          role: name === "viewer" ? "viewer" : "operator",
        })
      ).token;
  });
  afterAll(() => executor.server.close());

  const infer = (token: string) =>
    fetch(`${api.url}/v1/blocks/${BLOCK}/infer`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
      body: JSON.stringify({ data: { text: "hi" } }),
    });

  it("refuses a key's invokes past its burst with 429, Retry-After and the setting, and not another key's", async () => {
    const forwarded = executor.received.length;
    expect((await infer(tokens.a!)).status).toBe(200);
    expect((await infer(tokens.a!)).status).toBe(200);
    const refused = await infer(tokens.a!);
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    const body = (await refused.json()) as { error: { message: string } };
    expect(body.error.message).toMatch(/^rate limit: .*AIOS_RATE_LIMIT_INFER/);
    expect(executor.received.length - forwarded).toBe(2);
    expect((await infer(tokens.b!)).status).toBe(200);
  });

  it("counts a key's dry runs apart from its invokes, after the role check", async () => {
    const trpc = trpcOver(api.url);
    const dryRun = (token: string) =>
      fetch(`${api.url}/trpc/policies.dryRun`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
        body: JSON.stringify({ kind: "function", source: "export default () => 1", input: {} }),
      });
    // A viewer is refused by role and takes nothing from any bucket.
    for (let i = 0; i < 3; i++) expect((await dryRun(tokens.viewer!)).status).toBe(403);
    expect((await dryRun(tokens.b!)).status).not.toBe(429);
    const refused = await dryRun(tokens.b!);
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    const body = (await refused.json()) as {
      error: { message: string; data: { retryAfterSeconds?: number } };
    };
    expect(body.error.message).toMatch(/AIOS_RATE_LIMIT_DRY_RUN/);
    expect(body.error.data.retryAfterSeconds).toBeGreaterThanOrEqual(1);
    // Other procedures are not limited.
    expect((await trpc.query("blocks.list", {}, tokens.b)).status).toBe(200);
  });
});
