import { createHash, randomBytes } from "node:crypto";
import { ASSET_SHA256_HEADER, type TAssetRecord } from "@aios/contracts";
import { beforeAll, describe, expect, it } from "vitest";
import type { Principal } from "../src/auth/principal";
import { resolvePrincipal } from "../src/auth/resolve-principal";
import { rejection, useApiServer } from "./harness";

const MiB = 2 ** 20;
const sha256Of = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex");

/** The assets registry over real HTTP and a real database, in token mode, with a 4 MiB limit. */
describe("the assets registry", () => {
  const api = useApiServer({ auth: "token", maxAssetMb: 4 });
  const tokens: Record<string, string> = {};
  let operator: Principal;

  const blobUrl = (sha256: string) => `${api.url}/v1/assets/blobs/${sha256}`;
  const put = async (
    sha256: string,
    body: RequestInit["body"],
    token = tokens.operator,
    init: RequestInit = {},
  ) => {
    const res = await fetch(blobUrl(sha256), {
      method: "PUT",
      headers: { authorization: `Bearer ${token}` },
      body,
      ...init,
    });
    return {
      status: res.status,
      body: (await res.json()) as Record<string, unknown> & { error?: { message: string } },
    };
  };
  const get = (sha256: string, token = tokens.viewer, method = "GET") =>
    fetch(blobUrl(sha256), { method, headers: { authorization: `Bearer ${token}` } });
  /** What the database holds of a digest: its blob row (or none) and its chunks' sizes. */
  const stored = async (sha256: string) => {
    const db = api.database.db;
    const blob = await db.assetBlob.findUnique({ where: { sha256 } });
    const chunks = await db.assetBlobChunk.findMany({ where: { sha256 }, orderBy: { index: "asc" } });
    return { blob: blob ? { size: blob.size } : null, chunks: chunks.map((c) => c.data.length) };
  };
  /** An upload whose body is `total` bytes of `chunk`s with no Content-Length (chunked). */
  const streamed = (chunk: Uint8Array, total: number) => {
    let sent = 0;
    return new ReadableStream<Uint8Array>({
      pull(c) {
        if (sent >= total) return c.close();
        const piece = chunk.subarray(0, Math.min(chunk.length, total - sent));
        sent += piece.length;
        c.enqueue(piece);
      },
    });
  };

  beforeAll(async () => {
    const t = api.services.tokens;
    for (const role of ["operator", "viewer", "admin"] as const)
      tokens[role] = (await t.issue({ name: `assets ${role}`, role })).token;
    tokens.agent = (await t.issue({ name: "assets agent", role: "agent", scope: "assets-c1" })).token;
    tokens.data = (await t.issue({ name: "assets data", role: "data", scopes: ["block:echo"] })).token;
    operator = (await resolvePrincipal(api.services, `Bearer ${tokens.operator}`)) as Principal;
  });

  it("stores a blob, answers it again unchanged, and serves its size, digest and bytes", async () => {
    const bytes = randomBytes(10_000);
    const sha256 = sha256Of(bytes);
    expect((await get(sha256, tokens.viewer, "HEAD")).status).toBe(404);
    expect(await put(sha256, bytes)).toEqual({ status: 201, body: { sha256, size: 10_000, created: true } });
    expect(await put(sha256, bytes)).toEqual({ status: 200, body: { sha256, size: 10_000, created: false } });
    const head = await get(sha256, tokens.viewer, "HEAD");
    expect([head.status, head.headers.get("content-length"), head.headers.get(ASSET_SHA256_HEADER)]).toEqual([
      200,
      "10000",
      sha256,
    ]);
    const res = await get(sha256);
    expect(Buffer.from(await res.arrayBuffer()).equals(bytes)).toBe(true);
  });

  it("refuses a body whose digest is not the path's with 400 naming both, keeping nothing", async () => {
    const bytes = randomBytes(3000);
    const claimed = sha256Of(Buffer.from("something else"));
    const r = await put(claimed, bytes);
    expect(r.status).toBe(400);
    expect(r.body.error?.message).toContain(claimed);
    expect(r.body.error?.message).toContain(sha256Of(bytes));
    expect(await stored(claimed)).toEqual({ blob: null, chunks: [] });
    // A blob already there is verified too: other bytes under its digest are refused.
    const kept = randomBytes(500);
    await put(sha256Of(kept), kept);
    expect((await put(sha256Of(kept), randomBytes(500))).status).toBe(400);
    // A path that is no digest at all is refused naming it.
    const bad = await put("not-a-digest", kept);
    expect([bad.status, bad.body.error?.message]).toEqual([
      400,
      'sha256: "not-a-digest" is not a SHA-256 digest (64 lowercase hex digits)',
    ]);
  });

  it("refuses a blob over AIOS_MAX_ASSET_MB with 413 naming the setting, keeping nothing", async () => {
    const message = "(body): is larger than 4 MiB, the most the assets registry keeps (AIOS_MAX_ASSET_MB)";
    const big = Buffer.alloc(4 * MiB + 1, 7);
    const declared = await put(sha256Of(big), big);
    expect([declared.status, declared.body.error?.message]).toEqual([413, message]);
    // Without a length: refused once the bytes read pass the limit, after chunks were written.
    const chunked = await put(sha256Of(big), streamed(big, big.length), tokens.operator, {
      duplex: "half",
    } as RequestInit);
    expect([chunked.status, chunked.body.error?.message]).toEqual([413, message]);
    expect(await stored(sha256Of(big))).toEqual({ blob: null, chunks: [] });
  });

  it("streams a blob of several chunks in and out (3.5 MiB: four chunks)", async () => {
    const bytes = randomBytes(3.5 * MiB);
    const sha256 = sha256Of(bytes);
    const r = await put(sha256, streamed(bytes.subarray(0), bytes.length), tokens.admin, {
      duplex: "half",
    } as RequestInit);
    expect(r).toEqual({ status: 201, body: { sha256, size: bytes.length, created: true } });
    expect(await stored(sha256)).toEqual({
      blob: { size: bytes.length },
      chunks: [MiB, MiB, MiB, MiB / 2],
    });
    const res = await get(sha256, tokens.agent);
    expect(res.headers.get("content-length")).toBe(String(bytes.length));
    const hash = createHash("sha256");
    let pieces = 0;
    for await (const piece of res.body as unknown as AsyncIterable<Uint8Array>) {
      hash.update(piece);
      pieces++;
    }
    expect(hash.digest("hex")).toBe(sha256);
    expect(pieces).toBeGreaterThan(1);
  });

  it("takes uploads at once: more new blobs than slots, and one new blob twice (stored once)", async () => {
    const blobs = [1, 2, 3, 4].map(() => randomBytes(MiB + 100));
    const twice = randomBytes(2 * MiB);
    const answers = await Promise.all([
      ...blobs.map((b) => put(sha256Of(b), b)),
      put(sha256Of(twice), twice),
      put(sha256Of(twice), twice),
    ]);
    expect(answers.slice(0, 4).map((a) => [a.status, a.body.created])).toEqual(Array(4).fill([201, true]));
    expect(
      answers
        .slice(4)
        .map((a) => a.body.created)
        .sort(),
    ).toEqual([false, true]);
    expect(await stored(sha256Of(twice))).toEqual({ blob: { size: 2 * MiB }, chunks: [MiB, MiB] });
  });

  it("lets viewers and agents download, operators and admins upload, and no one else", async () => {
    const bytes = randomBytes(100);
    const sha256 = sha256Of(bytes);
    for (const role of ["viewer", "agent", "data"]) {
      const r = await put(sha256, bytes, tokens[role]);
      expect([r.status, r.body.error?.message]).toEqual([
        403,
        `PUT /v1/assets/blobs/:sha256 needs role operator; this token has ${role}`,
      ]);
    }
    expect(await stored(sha256)).toEqual({ blob: null, chunks: [] });
    expect((await put(sha256, bytes, "aios_unknown")).status).toBe(401);
    expect((await put(sha256, bytes, tokens.operator)).status).toBe(201);
    for (const role of ["viewer", "agent", "operator", "admin"])
      expect((await get(sha256, tokens[role])).status).toBe(200);
    const data = await get(sha256, tokens.data);
    expect([data.status, ((await data.json()) as { error: { message: string } }).error.message]).toEqual([
      403,
      `GET /v1/assets/blobs/:sha256 needs role viewer, an agent token or a data key with the scope asset:${sha256}; this data key has block:echo`,
    ]);
  });

  it("audits each upload with the caller, the blob and the outcome", async () => {
    const bytes = randomBytes(64);
    const sha256 = sha256Of(bytes);
    await put(sha256, bytes, tokens.viewer);
    await put(sha256, bytes);
    const events = async () =>
      api.database.db.auditEvent.findMany({
        where: { action: "dataPlane.assetBlobUpload", target: `blob:${sha256}` },
        orderBy: { createdAt: "asc" },
      });
    await expect.poll(async () => (await events()).length).toBe(2);
    const [refused, ok] = await events();
    expect([refused?.principalRole, refused?.outcome]).toEqual(["viewer", "refused"]);
    expect([ok?.principalRole, ok?.outcome, ok?.tokenId]).toEqual(["operator", "ok", operator.tokenId]);
  });

  describe("records", () => {
    const bundle = randomBytes(2000);
    const digest = sha256Of(bundle);
    const other = randomBytes(1000);
    const otherDigest = sha256Of(other);

    beforeAll(async () => {
      await put(digest, bundle);
      await put(otherDigest, other);
    });

    it("registers an uploaded blob under a URI, answers the same again unchanged, and refuses another digest", async () => {
      const caller = api.caller(operator);
      const first = await caller.assets.register({
        name: "bundles.echo",
        version: "1.0.0",
        releaseTag: "stable",
        sha256: digest,
        tags: ["bundle", "echo"],
        metadata: { entry: "index.js" },
      });
      expect(first.created).toBe(true);
      expect(first.asset).toMatchObject({
        assetURI: "bundles.echo:1.0.0-stable",
        size: 2000,
        sha256: digest,
        tags: ["bundle", "echo"],
        metadata: { entry: "index.js" },
        uploadedBy: operator.tokenId,
      } satisfies Partial<TAssetRecord>);
      const again = await caller.assets.register({
        name: "bundles.echo",
        version: "1.0.0",
        releaseTag: "stable",
        sha256: digest,
      });
      expect(again).toEqual({ created: false, asset: first.asset });
      const conflict = await rejection(
        caller.assets.register({
          name: "bundles.echo",
          version: "1.0.0",
          releaseTag: "stable",
          sha256: otherDigest,
        }),
      );
      expect(conflict.code).toBe("CONFLICT");
      expect(conflict.message).toBe(
        `asset bundles.echo:1.0.0-stable is already registered with sha256 ${digest}, not ${otherDigest}; versions are immutable, register a new version`,
      );
    });

    it("refuses to register a digest never uploaded, naming the field", async () => {
      const missing = sha256Of(Buffer.from("never uploaded"));
      const err = await rejection(
        api
          .caller(operator)
          .assets.register({ name: "nothing", version: "1", releaseTag: "stable", sha256: missing }),
      );
      expect(err.code).toBe("BAD_REQUEST");
      expect(err.message).toMatch(
        new RegExp(`^sha256: no blob ${missing} is in the assets registry; upload it first`),
      );
      expect(await api.database.db.asset.count({ where: { name: "nothing" } })).toBe(0);
    });

    it("lists, gets and searches records with the filter language", async () => {
      const caller = api.caller(operator);
      await caller.assets.register({
        name: "models.tiny",
        version: "2.0",
        releaseTag: "beta",
        sha256: otherDigest,
        tags: ["model"],
      });
      const all = await caller.assets.list();
      expect(all.map((a) => a.assetURI)).toEqual(["bundles.echo:1.0.0-stable", "models.tiny:2.0-beta"]);
      expect((await caller.assets.get({ assetURI: "models.tiny:2.0-beta" })).size).toBe(1000);
      const byTag = await caller.assets.search({
        filter: { variable: "tags", operator: "==", value: "model" },
      });
      expect(byTag.map((a) => a.assetURI)).toEqual(["models.tiny:2.0-beta"]);
      const bigger = await caller.assets.search({
        filter: {
          logicalOperator: "AND",
          conditions: [
            { variable: "size", operator: ">", value: 1500 },
            { variable: "metadata.entry", operator: "==", value: "index.js" },
          ],
        },
      });
      expect(bigger.map((a) => a.assetURI)).toEqual(["bundles.echo:1.0.0-stable"]);
      const unknown = await rejection(
        caller.assets.search({ filter: { variable: "chunks", operator: "==", value: 1 } }),
      );
      expect(unknown.message).toMatch(/"chunks" is not a filterable variable of assets/);
      const missing = await rejection(caller.assets.get({ assetURI: "nope:1-stable" }));
      expect(missing.code).toBe("NOT_FOUND");
    });

    it("refuses to remove an asset a component uses, naming it; removes it, then its blob with its last record", async () => {
      const caller = api.caller(operator);
      await caller.assets.register({
        name: "bundles.shared",
        version: "1",
        releaseTag: "stable",
        sha256: digest,
      });
      const uri = "bundles.echo:1.0.0-stable";
      await api.database.db.component.create({
        data: {
          componentURI: "model.asset-user:1.0.0-stable",
          componentType: "model",
          name: "asset-user",
          version: "1.0.0",
          releaseTag: "stable",
          doc: { runtime: { asset: { assetURI: uri, sha256: digest } } },
        },
      });
      const refused = await rejection(caller.assets.remove({ assetURI: uri }));
      expect(refused.code).toBe("CONFLICT");
      expect(refused.message).toBe(
        `asset ${uri} is used by component model.asset-user:1.0.0-stable (runtime.asset); point them at another asset first`,
      );
      await api.database.db.component.delete({ where: { componentURI: "model.asset-user:1.0.0-stable" } });

      // Another record still names the blob: it stays.
      const removed = await caller.assets.remove({ assetURI: uri });
      expect([removed.asset.assetURI, removed.blobRemoved]).toEqual([uri, false]);
      expect((await get(digest)).status).toBe(200);
      // The last record takes its blob and chunks with it.
      expect((await caller.assets.remove({ assetURI: "bundles.shared:1-stable" })).blobRemoved).toBe(true);
      expect((await get(digest, tokens.viewer, "HEAD")).status).toBe(404);
      expect(await stored(digest)).toEqual({ blob: null, chunks: [] });
      expect((await rejection(caller.assets.remove({ assetURI: uri }))).code).toBe("NOT_FOUND");
    });

    it("keeps registering and removing to operators", async () => {
      const viewer = (await resolvePrincipal(api.services, `Bearer ${tokens.viewer}`)) as Principal;
      const err = await rejection(
        api
          .caller(viewer)
          .assets.register({ name: "x", version: "1", releaseTag: "stable", sha256: otherDigest }),
      );
      expect(err.code).toBe("FORBIDDEN");
      expect((await api.caller(viewer).assets.list()).length).toBeGreaterThan(0);
    });
  });
});
