import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, startTestServer, type TestDatabase, type TestServer } from "../src/testing";

let server: TestServer;
let t: TestDatabase;
beforeAll(async () => {
  server = await startTestServer();
  t = await createTestDatabase(server.adminUrl);
});
afterAll(async () => {
  await t?.drop();
  await server?.stop();
});

const clusterDoc = {
  id: "cluster-a",
  regionId: "eu-1",
  status: "live",
  config: { publicHostname: "a.example.org", actionsPolicyMap: {} },
  tags: ["gpu", "eu"],
  nodes: { count: 1, nodeData: [] },
};

describe("registry tables", () => {
  it("round-trips a cluster with a node and its gpus; deleting the cluster cascades", async () => {
    const { db } = t;
    await db.cluster.create({
      data: {
        id: "cluster-a",
        regionId: "eu-1",
        publicHostname: "a.example.org",
        tags: ["gpu", "eu"],
        doc: clusterDoc,
        nodes: {
          create: {
            id: "node-1",
            vcpus: 32,
            memoryMb: 128_000,
            tags: ["a100"],
            doc: { id: "node-1", gpus: { count: 2, gpus: [{ modelName: "A100", memory: 40960 }] } },
            gpus: {
              create: [
                { index: 0, modelName: "A100", memoryMb: 40960 },
                { index: 1, modelName: "A100", memoryMb: 40960 },
              ],
            },
          },
        },
      },
    });
    const got = await db.cluster.findUniqueOrThrow({
      where: { id: "cluster-a" },
      include: { nodes: { include: { gpus: { orderBy: { index: "asc" } } } } },
    });
    expect(got.status).toBe("live"); // default
    expect(got.doc).toEqual(clusterDoc); // original field names preserved
    expect(got.createdAt).toBeInstanceOf(Date);
    expect(got.nodes[0]?.status).toBe("ready");
    expect(got.nodes[0]?.gpus.map((g) => g.index)).toEqual([0, 1]);
    await expect(
      db.gpu.create({ data: { nodeId: "node-1", index: 0, modelName: "dup", memoryMb: 1 } }),
    ).rejects.toThrow(/Unique constraint/);

    await db.cluster.delete({ where: { id: "cluster-a" } });
    expect(await db.node.count()).toBe(0);
    expect(await db.gpu.count()).toBe(0);
  });

  it("runs raw SQL that returns catalog `name` columns (OID 19 rewrite at runtime)", async () => {
    const rows = await t.db.$queryRaw<{ db: string; t: string }[]>`
      SELECT current_database() AS db, tablename AS t FROM pg_tables WHERE tablename = 'clusters'`;
    expect(rows).toEqual([{ db: t.name, t: "clusters" }]);
  });

  it("stores policies with immutable (trigger-enforced) revisions, tasks, metrics, audit events and api tokens", async () => {
    const { db } = t;
    await db.policy.create({
      data: {
        policyRuleURI: "lb:1.0.0-stable",
        name: "lb",
        version: "1.0.0",
        releaseTag: "stable",
        code: "export default () => 1",
        versions: { create: { revision: 1, code: "export default () => 1", codeSha256: "x" } },
      },
    });
    expect(await db.policyVersion.count({ where: { policyRuleURI: "lb:1.0.0-stable" } })).toBe(1);
    await expect(
      db.policyVersion.update({
        where: { policyRuleURI_revision: { policyRuleURI: "lb:1.0.0-stable", revision: 1 } },
        data: { code: "changed" },
      }),
    ).rejects.toThrow(/immutable/);
    const task = await db.task.create({ data: { kind: "createBlock", trace: [{ step: "parse" }] } });
    expect(task.id).toMatch(/^[0-9a-f-]{36}$/);
    await db.metricSample.create({ data: { entityType: "cluster", entityId: "c", name: "cpu", value: 0.5 } });
    await db.auditEvent.create({ data: { actor: "admin", action: "cluster.create", input: { a: 1 } } });
    const tok = await db.apiToken.create({ data: { tokenHash: "h1", role: "viewer", name: "ci" } });
    expect(tok.revokedAt).toBeNull();
    await expect(
      db.apiToken.create({ data: { tokenHash: "h1", role: "admin", name: "dup" } }),
    ).rejects.toThrow();
    await db.policy.delete({ where: { policyRuleURI: "lb:1.0.0-stable" } }); // cascade delete is allowed
    expect(await db.policyVersion.count()).toBe(0);
  });
});
