import { createHash, randomBytes } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import type { Principal } from "../src/auth/principal";
import { sweepOrphanBlobs } from "../src/domains/assets/asset.service";
import { rejection, useApiServer } from "./harness";

const sha256Of = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex");

/**
 * Fetch tokens (`agents.work.assetFetchToken`): what a pod's init container holds to download a
 * component's bundle. Each reads its one blob and nothing else, and goes with that blob.
 */
describe("asset fetch tokens", () => {
  const api = useApiServer({ auth: "token" });
  const clusterId = "fetch-c1";
  const agent: Principal = { role: "agent", scope: clusterId, tokenId: null };
  let operatorToken = "";

  const blobUrl = (sha256: string) => `${api.url}/v1/assets/blobs/${sha256}`;
  const get = (sha256: string, token: string, method = "GET") =>
    fetch(blobUrl(sha256), { method, headers: { authorization: `Bearer ${token}` } });
  /** A new blob in the registry, answered by its digest. */
  const upload = async () => {
    const bytes = randomBytes(2_000);
    const sha256 = sha256Of(bytes);
    const res = await fetch(blobUrl(sha256), {
      method: "PUT",
      headers: { authorization: `Bearer ${operatorToken}` },
      body: bytes,
    });
    expect(res.status).toBe(201);
    return { sha256, bytes };
  };
  const issue = (sha256: string) => api.caller(agent).agents.work.assetFetchToken({ clusterId, sha256 });

  beforeAll(async () => {
    operatorToken = (await api.services.tokens.issue({ name: "fetch operator", role: "operator" })).token;
  });

  it("downloads its own blob and nothing else: not another blob, not an upload, not tRPC, not inference", async () => {
    const mine = await upload();
    const other = await upload();
    const { token, sha256 } = await issue(mine.sha256);
    expect(sha256).toBe(mine.sha256);
    const res = await get(mine.sha256, token);
    expect(res.status).toBe(200);
    expect(Buffer.from(await res.arrayBuffer()).equals(mine.bytes)).toBe(true);
    expect((await get(mine.sha256, token, "HEAD")).status).toBe(200);

    const elsewhere = await get(other.sha256, token);
    expect(elsewhere.status).toBe(403);
    expect(((await elsewhere.json()) as { error: { message: string } }).error.message).toContain(
      `needs role viewer, an agent token or a data key with the scope asset:${other.sha256}; this data key has asset:${mine.sha256}`,
    );
    const upload2 = await fetch(blobUrl(mine.sha256), {
      method: "PUT",
      headers: { authorization: `Bearer ${token}` },
      body: mine.bytes,
    });
    expect(upload2.status).toBe(403);
    const infer = await fetch(`${api.url}/v1/blocks/echo/infer`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: JSON.stringify({ data: {} }),
    });
    expect(infer.status).toBe(403);
    const trpc = await fetch(`${api.url}/trpc/blocks.list`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(trpc.status).toBe(403);

    // Recorded as a data key of the agent's cluster whose one scope is the blob.
    const [row] = await api.database.db.apiToken.findMany({
      where: { scopes: { has: `asset:${mine.sha256}` } },
    });
    expect([row?.role, row?.scope, row?.scopes, row?.expiresAt]).toEqual([
      "data",
      clusterId,
      [`asset:${mine.sha256}`],
      null,
    ]);
  });

  it("is refused for a blob the registry does not hold, naming the digest", async () => {
    const missing = "cd".repeat(32);
    const refused = await rejection(issue(missing));
    expect(refused.code).toBe("NOT_FOUND");
    expect(refused.message).toContain(missing);
  });

  it("is revoked with its blob: when the last record naming it is removed, and by the sweep of orphans", async () => {
    const registered = await upload();
    const operator: Principal = { role: "operator", scope: null, tokenId: null };
    await api.caller(operator).assets.register({
      name: "fetch.revoked",
      version: "1",
      releaseTag: "stable",
      sha256: registered.sha256,
    });
    const kept = await issue(registered.sha256);
    // A data key a person made with the same scope among others is theirs: it stays.
    const person = await api.caller({ role: "admin", scope: null, tokenId: null }).tokens.create({
      name: "model download",
      role: "data",
      scopes: [`asset:${registered.sha256}`, "block:echo"],
    });
    expect((await get(registered.sha256, kept.token, "HEAD")).status).toBe(200);
    expect(
      (await api.caller(operator).assets.remove({ assetURI: "fetch.revoked:1-stable" })).blobRemoved,
    ).toBe(true);
    expect((await get(registered.sha256, kept.token, "HEAD")).status).toBe(401);
    expect((await get(registered.sha256, person.token, "HEAD")).status).toBe(404);

    const orphan = await upload();
    const swept = await issue(orphan.sha256);
    expect(await sweepOrphanBlobs(api.database.db, 0)).toBeGreaterThanOrEqual(1);
    expect((await get(orphan.sha256, swept.token, "HEAD")).status).toBe(401);
  });
});
