import { readdirSync } from "node:fs";
import { resolve } from "node:path";
import { loadSpecFile } from "@aios/contracts/files";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  keyPath,
  nested,
  placeAt,
  stringLeaves,
  unstorableString,
} from "../../../packages/contracts/test/fuzz-arbitraries";
import { fuzzRuns } from "../../../scripts/fuzz-runs";
import { fakeUpstream } from "./fake-upstream";
import { useApiServer } from "./harness";
import { storedRows } from "./stored-rows";

const VDAG = "fz-pipeline:1.0.0-stable";
const BLOCK = "blk-fzaaaaaa";
const runs = { numRuns: fuzzRuns(25) };
const examplesDir = resolve(import.meta.dirname, "../../../examples/specs");
const examples = readdirSync(examplesDir).flatMap((f) =>
  loadSpecFile(resolve(examplesDir, f)).map((d) => d.document),
);

/** A path segment as a client may send it: safe characters and percent-escapes of any byte. */
const segment = fc
  .array(
    fc.oneof(
      fc.constantFrom(..."abcXYZ019-_.:~!*'()"),
      fc.integer({ min: 0, max: 255 }).map((b) => `%${b.toString(16).padStart(2, "0").toUpperCase()}`),
    ),
    { minLength: 1, maxLength: 12 },
  )
  .map((parts) => parts.join(""));

/** Bodies a hostile client sends: any text, any JSON, and JSON with what no store can take. */
const hostileBody = fc.oneof(
  fc.string({ maxLength: 64 }),
  fc.string({ unit: "binary", maxLength: 64 }),
  fc.jsonValue({ maxDepth: 4 }).map((v) => JSON.stringify(v)),
  fc.jsonValue({ maxDepth: 3 }).map((data) => JSON.stringify({ data })),
  fc.tuple(keyPath, unstorableString).map(([keys, bad]) => JSON.stringify({ data: placeAt({}, keys, bad) })),
  fc.integer({ min: 64, max: 3000 }).map((d) => JSON.stringify({ data: { x: nested(d) } })),
);

/** A spec document as a hostile client edits one: random values, unstorable strings or deep nesting. */
const hostileSpec = fc.constantFrom(...examples).chain((doc) =>
  fc.oneof(
    fc
      .tuple(keyPath, fc.jsonValue({ maxDepth: 3 }))
      .map(([keys, v]) => placeAt(doc, ["body", "spec", "values", ...keys], v)),
    fc
      .tuple(fc.constantFrom(...stringLeaves(doc)), unstorableString)
      .map(([leaf, bad]) => placeAt(doc, leaf, bad)),
    fc
      .integer({ min: 60, max: 3000 })
      .map((d) => placeAt(doc, ["body", "spec", "values", "deep"], nested(d))),
    fc.anything({ maxDepth: 3 }),
  ),
);

/** Read procedures of every registry, with inputs that range from right to hostile. */
const READS = [
  "components",
  "clusters",
  "nodes",
  "blocks",
  "vdags",
  "policies",
  "functions",
  "graphs",
  "tasks",
];
const readCall = fc.record({
  path: fc.constantFrom(...READS).chain((r) => fc.constantFrom(`${r}.get`, `${r}.search`, `${r}.list`)),
  input: fc.oneof(
    fc.anything({ maxDepth: 3 }),
    fc.record({ id: fc.oneof(fc.string(), unstorableString), componentURI: unstorableString }),
    fc.record({
      filter: fc.record({
        variable: fc.oneof(
          fc.constantFrom("status", "tags", "doc.x", "createdAt"),
          fc.string({ maxLength: 8 }),
        ),
        operator: fc.constantFrom("==", "!=", "IN", "<", ">=", "LIKE"),
        value: fc.oneof(
          fc.string({ maxLength: 8 }),
          unstorableString,
          fc.double(),
          fc.array(fc.string(), { maxLength: 3 }),
        ),
      }),
      limit: fc.oneof(fc.integer({ min: -5, max: 2000 }), fc.constant(undefined)),
      offset: fc.oneof(fc.integer({ min: -5, max: 5000 }), fc.constant(undefined)),
    }),
  ),
});

describe("the API under hostile input: never a 5xx, never a hang, nothing stored on a refusal", () => {
  const api = useApiServer();
  const controller = fakeUpstream("/v1/infer");
  const executor = fakeUpstream("/infer");
  const forwarded = () => controller.received.length + executor.received.length;

  /** One request: its status and body (a hung request fails the run after 30 s instead of stalling the suite). */
  const call = async (path: string, init?: RequestInit) => {
    const res = await fetch(`${api.url}${path}`, { ...init, signal: AbortSignal.timeout(30_000) });
    const text = await res.text();
    return { status: res.status, text };
  };
  const send = async (path: string, init?: RequestInit) => (await call(path, init)).status;
  const postFor = (path: string, body: string) =>
    call(path, { method: "POST", headers: { "content-type": "application/json" }, body });
  const post = async (path: string, body: string) => (await postFor(path, body)).status;

  /** An accepted async request forwards after its answer: wait for its task, so the next run counts only its own. */
  const settled = async (answer: string) => {
    const { taskId } = JSON.parse(answer) as { taskId: string };
    for (;;) {
      const task = JSON.parse((await call(`/v1/tasks/${taskId}`)).text) as { status: string };
      if (task.status !== "queued" && task.status !== "running") return;
      await new Promise((r) => setTimeout(r, 20));
    }
  };

  beforeAll(async () => {
    const db = api.database.db;
    await db.vdag.create({
      data: {
        vdagURI: VDAG,
        vdagName: "fz-pipeline",
        version: "1.0.0",
        releaseTag: "stable",
        status: "active",
      },
    });
    await db.vdagController.create({
      data: { id: "vdc-fzaaaaaa", vdagURI: VDAG, status: "running", url: await controller.listen() },
    });
    await db.component.create({
      data: {
        componentURI: "model.fz:1.0.0-stable",
        componentType: "model",
        name: "fz",
        version: "1.0.0",
        releaseTag: "stable",
      },
    });
    await db.block.create({
      data: {
        id: BLOCK,
        componentURI: "model.fz:1.0.0-stable",
        status: "running",
        doc: { runtime: { revision: 1, executorEndpoint: await executor.listen() } },
      },
    });
  });
  afterAll(() => {
    controller.server.close();
    executor.server.close();
  });

  it("answers any body sent to a block's or a vDAG's infer with a status under 500", async () => {
    const target = fc.constantFrom(
      `/v1/blocks/${BLOCK}/infer`,
      `/v1/vdags/${encodeURIComponent(VDAG)}/infer`,
      `/v1/vdags/${encodeURIComponent(VDAG)}/infer?async=1`,
    );
    await fc.assert(
      fc.asyncProperty(target, hostileBody, async (path, body) => {
        const before = { rows: await storedRows(api.database.db), sent: forwarded() };
        const { status, text } = await postFor(path, body);
        expect(status).toBeLessThan(500);
        if (status === 202) await settled(text);
        // An answered vDAG request's task is written a moment later, in a batch: wait for it.
        if (status === 200) await api.services.vdagInference.flushTasks();
        if (status >= 400)
          expect({ rows: await storedRows(api.database.db), sent: forwarded() }).toEqual(before);
      }),
      runs,
    );
  });

  it("answers any path segment on the data plane with a status under 500", async () => {
    await fc.assert(
      fc.asyncProperty(segment, fc.constantFrom("blocks", "vdags", "tasks"), async (seg, kind) => {
        const status =
          kind === "tasks"
            ? await send(`/v1/tasks/${seg}`)
            : await post(`/v1/${kind}/${seg}/infer`, '{"data":{}}');
        expect(status).toBeLessThan(500);
      }),
      runs,
    );
  });

  it("answers any edited spec document sent to applySpec with a status under 500, storing nothing when it refuses", async () => {
    await fc.assert(
      fc.asyncProperty(hostileSpec, async (document) => {
        const before = await storedRows(api.database.db);
        const status = await post("/trpc/parser.applySpec", JSON.stringify({ document }));
        expect(status).toBeLessThan(500);
        if (status >= 400) expect(await storedRows(api.database.db)).toEqual(before);
      }),
      runs,
    );
  });

  it("answers any input to every registry's get, search and list with a status under 500", async () => {
    await fc.assert(
      fc.asyncProperty(readCall, async ({ path, input }) => {
        const query = input === undefined ? "" : `?input=${encodeURIComponent(JSON.stringify(input))}`;
        expect(await send(`/trpc/${path}${query}`)).toBeLessThan(500);
      }),
      runs,
    );
  });
});
