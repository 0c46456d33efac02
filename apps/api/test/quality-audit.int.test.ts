import { boundQualityPayload, QUALITY_PAYLOAD_MAX_CHARS, type TQualitySample } from "@aios/contracts";
import { beforeAll, describe, expect, it } from "vitest";
import { doc, rejection, useApi } from "./harness";
import { issuesOf } from "./quality-fixtures";

/**
 * The manual audit queue on the real API and PostgreSQL: samples a controller's quality policy
 * routed to `manual`, as its agent reports them, wait for a reviewer (an operator), who records
 * pass or fail and a note, once.
 */
describe("quality audit queue", () => {
  const api = useApi();
  const clusterId = `qa-${Date.now().toString(36)}`;
  const agent = { role: "agent" as const, scope: clusterId, tokenId: null };
  const reviewer = { role: "operator" as const, scope: null, tokenId: "tok-reviewer" };
  const viewer = { role: "viewer" as const, scope: null, tokenId: "tok-viewer" };
  const vdagURI = "qa-audit:1.0.0-stable";
  const controllerId = "vdc-qaaudit0";

  const sample = (
    taskId: string,
    route?: "manual",
    data: unknown = { text: `ask ${taskId}` },
  ): TQualitySample => ({
    taskId,
    at: Date.now() + ++tick,
    passed: true,
    score: 0.9,
    ...(route && {
      route,
      input: { session_id: "s", seq_no: 1, data, ts: 0 },
      output: { session_id: "s", seq_no: 1, data: { answer: `answer ${taskId}` }, ts: 0 },
    }),
  });
  let tick = 0;
  const report = (samples: TQualitySample[]) =>
    api.caller(agent).agents.work.reportQualitySamples({ controllerId, samples });

  beforeAll(async () => {
    await api.caller().agents.register({
      clusterId,
      publicHostname: "127.0.0.1",
      node: { id: `${clusterId}-n1`, vcpus: 1, memoryMb: 1024, storageMb: 1024, cpuModel: "test", gpus: [] },
    });
    await api.database.db.vdag.create({
      data: { vdagURI, vdagName: "qa-audit", version: "1.0.0", releaseTag: "stable", status: "active" },
    });
    await api.database.db.vdagController.create({
      data: { id: controllerId, vdagURI, clusterId, status: "running", url: "http://127.0.0.1:9" },
    });
  });

  it("queues the samples routed to manual with their input, output and the policy's verdict", async () => {
    await report([sample("t-1", "manual"), sample("t-plain"), sample("t-2", "manual")]);
    const pending = await api.caller(viewer).quality.auditItems({ status: "pending", vdagURI });
    expect(pending.map((i) => i.taskId)).toEqual(["t-2", "t-1"]);
    expect(pending[1]).toMatchObject({
      vdagURI,
      controllerId,
      status: "pending",
      input: { data: { text: "ask t-1" } },
      output: { data: { answer: "answer t-1" } },
      verdict: { passed: true, score: 0.9 },
      reviewerVerdict: null,
      reviewer: null,
    });
    // The verdicts stay with the vDAG as before, without the packets.
    const samples = await api.caller().vdags.qualitySamples({ vdagURI });
    expect(samples.map((s) => [s.taskId, s.route ?? null])).toEqual(
      expect.arrayContaining([
        ["t-1", "manual"],
        ["t-plain", null],
      ]),
    );
    expect(samples.every((s) => s.input === undefined && s.output === undefined)).toBe(true);
    // A replayed report queues nothing twice.
    await report([sample("t-1", "manual")]);
    expect(await api.caller().quality.auditItems({ vdagURI })).toHaveLength(2);
  });

  it("records a reviewer's verdict once: pending -> reviewed, a second verdict refused", async () => {
    const [item] = await api.caller().quality.auditItems({ vdagURI, status: "pending", limit: 1 });
    const id = item?.id as string;
    const denied = await rejection(api.caller(viewer).quality.recordVerdict({ id, verdict: "pass" }));
    expect(denied.code).toBe("FORBIDDEN");
    const reviewed = await api
      .caller(reviewer)
      .quality.recordVerdict({ id, verdict: "fail", note: "wrong language" });
    expect(reviewed).toMatchObject({
      status: "reviewed",
      reviewerVerdict: "fail",
      note: "wrong language",
      reviewer: "tok-reviewer",
    });
    expect(Date.parse(reviewed.reviewedAt as string)).toBeGreaterThan(Date.now() - 10_000);
    const again = await rejection(api.caller(reviewer).quality.recordVerdict({ id, verdict: "pass" }));
    expect(again.code).toBe("CONFLICT");
    expect(again.message).toContain(
      `quality audit item ${id} was already reviewed (fail by tok-reviewer at `,
    );
    expect(await api.caller().quality.auditItem({ id })).toMatchObject({ reviewerVerdict: "fail" });
    expect((await api.caller().quality.auditItems({ vdagURI, status: "reviewed" })).map((i) => i.id)).toEqual(
      [id],
    );
    expect(await api.caller().quality.auditItems({ vdagURI, status: "pending" })).toHaveLength(1);
  });

  it("pages newest first with before, and bounds a payload too large to carry", async () => {
    const big = "x".repeat(QUALITY_PAYLOAD_MAX_CHARS);
    // What the controller sends for a request past the bound.
    const s = sample("t-big", "manual");
    s.input = boundQualityPayload({ data: { big } });
    await report([s]);
    const [newest, ...rest] = await api.caller().quality.auditItems({ vdagURI, limit: 1 });
    expect(rest).toEqual([]);
    expect(newest?.input).toMatchObject({ truncated: true, bytes: JSON.stringify({ data: { big } }).length });
    expect((newest?.input as { preview?: string } | undefined)?.preview).toHaveLength(2048);
    const next = await api.caller().quality.auditItems({ vdagURI, limit: 10, before: newest?.id });
    expect(next.map((i) => i.taskId)).toEqual(["t-2", "t-1"]);
  });

  it("refuses bad input naming the field", async () => {
    expect(
      await issuesOf(api.caller().quality.recordVerdict({ id: "x", verdict: "maybe" as "pass" })),
    ).toEqual(["id: must be an audit item id (a UUID)", 'verdict: must be "pass" or "fail"']);
    expect(
      await issuesOf(
        api.caller().quality.recordVerdict({
          id: "00000000-0000-4000-8000-000000000000",
          verdict: "pass",
          note: "n".repeat(2001),
        }),
      ),
    ).toEqual(["note: must be at most 2000 characters"]);
    expect(
      await issuesOf(api.caller().quality.auditItems({ status: "done" as "pending", limit: 500 })),
    ).toEqual(['status: must be "pending" or "reviewed"', "limit: must be at most 200"]);
    const missing = await rejection(
      api.caller().quality.recordVerdict({ id: "00000000-0000-4000-8000-000000000000", verdict: "pass" }),
    );
    expect(missing.code).toBe("NOT_FOUND");
    // The vDAG spec's webhook: an http(s) URL, said with its path.
    const invalid = await api.caller().parser.validateSpec({
      document: doc("createvDAG", {
        vdagName: "qa-bad",
        nodes: [{ spec: { values: { nodeLabel: "a", manualBlockId: "b" } } }],
        graph: { connections: [] },
        controller: { qualityChecker: { webhook: { url: "ftp://qa.example/in" } } },
      }),
    });
    expect(invalid.valid).toBe(false);
    expect(invalid.valid ? [] : invalid.errors).toContainEqual({
      path: "body.spec.values.controller.qualityChecker.webhook.url",
      message: "must be an http:// or https:// URL",
    });
  });
});
