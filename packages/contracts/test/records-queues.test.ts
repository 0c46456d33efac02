import { describe, expect, it } from "vitest";
import {
  clusterQueueName,
  DEFAULT_JOB_OPTIONS,
  jobIdFor,
  safeParseSpec,
  ZBlockRecord,
  ZClusterJob,
  ZClusterRecord,
  ZPolicyRecord,
} from "../src/index";

const now = "2025-05-01T12:00:00.000Z";

describe("records", () => {
  it("parses a cluster record and strips unknown keys", () => {
    const record = ZClusterRecord.parse({
      id: "local",
      regionId: null,
      status: "live",
      tags: [],
      publicHostname: "127.0.0.1",
      doc: { id: "local" },
      nodeCount: 1,
      gpuCount: 0,
      lastSeenAt: null,
      createdAt: now,
      updatedAt: now,
      internal: "x",
    });
    expect(record).not.toHaveProperty("internal");
  });

  it("rejects non-ISO dates and unknown policy kinds", () => {
    const block = { id: "b", componentURI: "model.a:1-b", clusterId: null, status: "running" };
    const r = safeParseSpec(ZBlockRecord, {
      ...block,
      minInstances: 1,
      maxInstances: 1,
      desiredInstances: 1,
      statusReason: null,
      executorNodeId: null,
      doc: {},
      createdAt: "yesterday",
      updatedAt: now,
    });
    expect(r).toEqual({ ok: false, errors: [{ path: "createdAt", message: "must be a valid datetime" }] });
    const p = ZPolicyRecord.safeParse({
      policyRuleURI: "a:1-b",
      name: "a",
      version: "1",
      releaseTag: "b",
      kind: "nope",
      tags: [],
      description: null,
      doc: {},
      createdAt: now,
    });
    expect(p.success).toBe(false);
  });
});

describe("queues", () => {
  it("names the cluster queue", () => {
    expect(clusterQueueName("local")).toBe("cluster.local");
  });

  it("parses jobs by type and rejects unknown types", () => {
    expect(ZClusterJob.parse({ type: "block.reconcile", blockId: "blk-abcd1234", revision: 2 })).toEqual({
      type: "block.reconcile",
      blockId: "blk-abcd1234",
      revision: 2,
    });
    const bad = safeParseSpec(ZClusterJob, { type: "block.remove", blockId: "x" });
    expect(bad).toEqual({
      ok: false,
      errors: [
        {
          path: "type",
          message:
            'expected one of "cluster.ping", "block.reconcile", "block.logs", "metrics.local", "block.mgmt", "cluster.mgmt", "block.parameters", "instance.remove", "policy.run", "function.reconcile", "vdag.reconcile", "vdag.control", "function.management", "block.event", got "block.remove"',
        },
      ],
    });
    const missing = safeParseSpec(ZClusterJob, { type: "block.reconcile", revision: 1 });
    expect(missing).toEqual({ ok: false, errors: [{ path: "blockId", message: "Required" }] });
  });

  it("derives job ids from the business key, without ':' (BullMQ rejects it)", () => {
    expect(jobIdFor({ type: "block.reconcile", blockId: "blk-abcd1234", revision: 2 })).toBe(
      "block.reconcile__blk-abcd1234__2",
    );
    const ping = jobIdFor({ type: "cluster.ping", requestedAt: now });
    expect(ping).toBe("cluster.ping__2025-05-01T12-00-00.000Z");
    expect(ping).not.toContain(":");
    expect(jobIdFor({ type: "policy.run", jobId: "pj-abc" })).toBe("policy.run__pj-abc");
    const event = {
      id: 41,
      blockId: "blk-abcd1234",
      instanceId: null,
      clusterId: "local",
      name: "overloaded",
      data: {},
      source: "platform" as const,
      outcome: null,
      createdAt: now,
    };
    expect(jobIdFor({ type: "block.event", event, handler: { policyRuleURI: "p:1.0.0-stable" } })).toBe(
      "block.event__blk-abcd1234__41",
    );
    expect(
      jobIdFor({ type: "cluster.mgmt", service: "stability_checker", action: "stats", requestId: "c1-r1" }),
    ).toBe("cluster.mgmt__c1-r1");
    expect(jobIdFor({ type: "function.reconcile", name: "lb", revision: 3 })).toBe(
      "function.reconcile__lb__3",
    );
  });

  it("has the agreed default job options", () => {
    expect(DEFAULT_JOB_OPTIONS).toEqual({
      attempts: 5,
      backoff: { type: "exponential", delay: 500 },
      removeOnComplete: 1000,
      removeOnFail: 5000,
    });
  });
});
