import {
  MAX_INPUT_DEPTH,
  MAX_NAME_LENGTH,
  MAX_POLICY_SOURCE_BYTES,
  MAX_SPEC_DOCUMENT_BYTES,
} from "@aios/contracts";
import { describe, expect, it } from "vitest";
import { doc, useApiServer } from "./harness";
import { storedRows } from "./stored-rows";

const MiB = 2 ** 20;
const cluster = (values: Record<string, unknown> = {}) =>
  doc("createCluster", { id: "ig-c1", config: { publicHostname: "127.0.0.1" }, ...values });

type TrpcError = {
  error: { message: string; data: { code: string; httpStatus: number; path: string; issues?: unknown } };
};

describe("the API refuses what no store can take before any service runs", () => {
  const api = useApiServer();

  const mutation = async (path: string, body: unknown) => {
    const res = await fetch(`${api.url}/trpc/${path}`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: typeof body === "string" ? body : JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as TrpcError };
  };
  const query = async (path: string, input: unknown) => {
    const res = await fetch(`${api.url}/trpc/${path}?input=${encodeURIComponent(JSON.stringify(input))}`);
    return { status: res.status, body: (await res.json()) as TrpcError };
  };

  it("answers a NUL or a lone surrogate in applySpec with 400 naming the field, storing nothing", async () => {
    const before = await storedRows(api.database.db);
    for (const [bad, what] of [
      ["a\u0000b", "contains a NUL character (\\u0000), which cannot be stored"],
      ["a\ud800", "contains a lone surrogate (\\ud800) at character 1, which is not valid Unicode text"],
    ]) {
      const r = await mutation("parser.applySpec", { document: cluster({ regionId: bad }) });
      expect(r.status).toBe(400);
      expect(r.body.error.data.code).toBe("BAD_REQUEST");
      expect(r.body.error.message).toBe(`document.body.spec.values.regionId: ${what}`);
      expect(r.body.error.data.issues).toEqual([
        { path: "document.body.spec.values.regionId", message: what },
      ]);
    }
    expect(await storedRows(api.database.db)).toEqual(before);
  });

  it("answers a NUL or lone surrogate in any get or search with 400, never the database's error", async () => {
    for (const [path, input] of [
      ["components.get", { componentURI: "model.x\u0000:1.0.0-stable" }],
      ["clusters.get", { id: "\udfff" }],
      ["blocks.search", { filter: { variable: "status", operator: "==", value: "a\u0000" } }],
      ["vdags.search", { filter: { variable: "vdagName", operator: "LIKE", value: "\ud800*" } }],
    ] as const) {
      const r = await query(path, input);
      expect([path, r.status, r.body.error.data.code]).toEqual([path, 400, "BAD_REQUEST"]);
      expect(r.body.error.message).toMatch(/NUL character|lone surrogate/);
    }
  });

  it(`answers JSON nested 10,000 deep with 400 naming where it passed ${MAX_INPUT_DEPTH} levels`, async () => {
    const before = await storedRows(api.database.db);
    const deep = `${"[".repeat(10_000)}${"]".repeat(10_000)}`;
    const r = await mutation("parser.applySpec", `{"document": {"header": ${deep}}}`);
    expect(r.status).toBe(400);
    expect(r.body.error.message).toBe(
      `document.header${"[0]".repeat(MAX_INPUT_DEPTH - 2)}: nests deeper than ${MAX_INPUT_DEPTH} levels of objects and arrays (MAX_INPUT_DEPTH)`,
    );
    expect(await storedRows(api.database.db)).toEqual(before);
  });

  it(`answers a name over ${MAX_NAME_LENGTH} characters and a cluster status it does not know with 400 naming the limit`, async () => {
    const before = await storedRows(api.database.db);
    const long = await mutation("parser.applySpec", {
      document: cluster({ regionId: "r".repeat(10_000) }),
    });
    expect(long.status).toBe(400);
    expect(long.body.error.message).toContain(
      `body.spec.values.regionId: must have at most ${MAX_NAME_LENGTH} characters (MAX_NAME_LENGTH)`,
    );
    const status = await mutation("parser.applySpec", { document: cluster({ status: "whatever" }) });
    expect(status.status).toBe(400);
    expect(status.body.error.message).toContain('body.spec.values.status: expected one of "live", "offline"');
    expect(await storedRows(api.database.db)).toEqual(before);
  });

  it("answers a spec document over MAX_SPEC_DOCUMENT_BYTES with 400 naming the limit, storing nothing", async () => {
    const before = await storedRows(api.database.db);
    const big = cluster({ clusterMetadata: { additionalInfo: "x".repeat(MAX_SPEC_DOCUMENT_BYTES) } });
    const r = await mutation("parser.applySpec", { document: big });
    expect(r.status).toBe(400);
    expect(r.body.error.message).toContain(
      `(document): is ${JSON.stringify(big).length} bytes of JSON; must have at most ${MAX_SPEC_DOCUMENT_BYTES} bytes (MAX_SPEC_DOCUMENT_BYTES)`,
    );
    expect(await storedRows(api.database.db)).toEqual(before);
  });

  it("answers a tRPC body over AIOS_MAX_BODY_MB with 413 naming the limit and the setting, storing nothing", async () => {
    const before = await storedRows(api.database.db);
    const message = "(body): is larger than 16 MiB, the most the API reads (AIOS_MAX_BODY_MB)";
    const big = { document: cluster({ clusterMetadata: { additionalInfo: "x".repeat(17 * MiB) } }) };
    const r = await mutation("parser.applySpec", big);
    expect(r.status).toBe(413);
    expect(r.body.error).toMatchObject({ message, data: { code: "PAYLOAD_TOO_LARGE", httpStatus: 413 } });
    // A batch gets one error per call, as tRPC's clients read a batch.
    const res = await fetch(`${api.url}/trpc/parser.applySpec,parser.applySpec?batch=1`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ 0: big, 1: big }),
    });
    expect(res.status).toBe(413);
    const batch = (await res.json()) as TrpcError[];
    expect(batch.map((e) => [e.error.message, e.error.data.path])).toEqual([
      [message, "parser.applySpec"],
      [message, "parser.applySpec"],
    ]);
    expect(await storedRows(api.database.db)).toEqual(before);
  });

  it("answers a dry run's policy source over MAX_POLICY_SOURCE_BYTES with 400 naming the limit, running nothing", async () => {
    const code = `// ${"x".repeat(MAX_POLICY_SOURCE_BYTES)}`;
    const r = await mutation("policies.dryRun", { code, kind: "loadBalancer", input: {} });
    expect(r.status).toBe(400);
    expect(r.body.error.data.issues).toEqual([
      {
        path: "code",
        message: `is ${MAX_POLICY_SOURCE_BYTES + 3} bytes; must have at most ${MAX_POLICY_SOURCE_BYTES} bytes (MAX_POLICY_SOURCE_BYTES)`,
      },
    ]);
  });

  it("still applies a good spec through the same path", async () => {
    const r = await mutation("parser.applySpec", { document: cluster() });
    expect(r.status).toBe(200);
    expect((await api.caller().clusters.get({ id: "ig-c1" })).status).toBe("live");
  });
});
