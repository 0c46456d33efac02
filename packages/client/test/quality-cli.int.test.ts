import type { TQualityAuditItem, TQualitySample } from "@aios/contracts";
import { beforeAll, describe, expect, it } from "vitest";
import { useApiServer } from "../../../apps/api/test/harness";
import { runCli } from "./cli-io";

describe("aios quality: the manual audit queue and the webhook deliveries", () => {
  const api = useApiServer();
  const clusterId = "qcli";
  const agent = { role: "agent" as const, scope: clusterId, tokenId: null };
  const vdagURI = "qcli:1.0.0-stable";
  let t = Date.now();
  const sample = (taskId: string, route: "manual" | "webhook"): TQualitySample => ({
    taskId,
    at: ++t,
    passed: false,
    score: 0.25,
    reason: "no label",
    route,
    input: { session_id: "s", seq_no: 1, data: { text: `hello ${taskId}` }, ts: 0 },
    output: { session_id: "s", seq_no: 1, data: { label: null }, ts: 0 },
  });

  beforeAll(async () => {
    await api.caller().agents.register({
      clusterId,
      publicHostname: "127.0.0.1",
      node: { id: "qcli-n1", vcpus: 1, memoryMb: 1024, storageMb: 1024, cpuModel: "test", gpus: [] },
    });
    const db = api.database.db;
    await db.vdag.create({
      data: {
        vdagURI,
        vdagName: "qcli",
        version: "1.0.0",
        releaseTag: "stable",
        status: "active",
        // A webhook nobody listens on: the deliveries stay pending (no sender runs in this test).
        doc: { controller: { qualityChecker: { webhook: { url: "http://127.0.0.1:9/qa" } } } },
      },
    });
    await db.vdagController.create({
      data: { id: "vdc-qcli0000", vdagURI, clusterId, status: "running", url: "http://127.0.0.1:9" },
    });
    await api.caller(agent).agents.work.reportQualitySamples({
      controllerId: "vdc-qcli0000",
      samples: [sample("t-a", "manual"), sample("t-b", "manual"), sample("t-w", "webhook")],
    });
  });

  it("lists the pending items, shows one, records a verdict once", async () => {
    const table = await runCli(api.url, ["quality", "list", "--vdag", vdagURI, "--status", "pending"]);
    expect(table.code).toBe(0);
    const lines = table.out.split("\n");
    expect(lines[0]).toMatch(/^ID\s+SAMPLED\s+VDAG\s+TASK\s+POLICY\s+STATUS\s+REVIEW/);
    expect(lines[1]).toMatch(/qcli:1\.0\.0-stable\s+t-b\s+failed 0\.25\s+pending/);
    expect(lines[2]).toMatch(/t-a\s+failed 0\.25\s+pending/);

    const json = await runCli(api.url, ["quality", "list", "--vdag", vdagURI, "--limit", "1", "-o", "json"]);
    const [item] = JSON.parse(json.out) as TQualityAuditItem[];
    const id = item?.id as string;
    const shown = await runCli(api.url, ["quality", "show", id]);
    expect(shown.out).toContain("policy:    failed 0.25 (no label)");
    expect(shown.out).toContain('"text": "hello t-b"');

    const verdict = await runCli(api.url, ["quality", "verdict", id, "--pass", "--note", "fine after all"]);
    expect(verdict).toMatchObject({ code: 0, out: `audit item ${id}: pass recorded` });
    const reviewed = await runCli(api.url, ["quality", "show", id]);
    expect(reviewed.out).toMatch(/review: {4}pass by open-mode at /);
    expect(reviewed.out).toContain("note:      fine after all");
    const again = await runCli(api.url, ["quality", "verdict", id, "--fail"]);
    expect(again.code).toBe(1);
    expect(again.err).toContain(`quality audit item ${id} was already reviewed (pass by open-mode`);
  });

  it("lists a vDAG's webhook deliveries and reads its secret", async () => {
    const out = await runCli(api.url, ["quality", "deliveries", "--vdag", vdagURI]);
    expect(out.code).toBe(0);
    expect(out.out.split("\n")[1]).toMatch(/t-w\s+pending\s+0\/8/);
    const secret = await api.services.webhookSecrets.ensure(vdagURI);
    expect((await runCli(api.url, ["quality", "secret", "--vdag", vdagURI])).out).toBe(secret);
  });

  it("says what is wrong: usage errors exit 2, bad values name the field", async () => {
    const both = await runCli(api.url, ["quality", "verdict", "x", "--pass", "--fail"]);
    expect(both.code).toBe(2);
    expect(both.err).toContain("one of --pass, --fail");
    const sub = await runCli(api.url, ["quality", "review"]);
    expect(sub.code).toBe(2);
    const badId = await runCli(api.url, ["quality", "verdict", "nope", "--fail"]);
    expect(badId.code).toBe(1);
    expect(badId.err).toContain("id: must be an audit item id (a UUID)");
    const badStatus = await runCli(api.url, ["quality", "list", "--status", "done"]);
    expect(badStatus.err).toContain('status: must be "pending" or "reviewed"');
  });
});
