import { QUALITY_PAYLOAD_MAX_CHARS, QUALITY_PAYLOAD_PREVIEW_CHARS, type TAiosPacket } from "@aios/contracts";
import { createLogger } from "@aios/service-kit";
import { describe, expect, it } from "vitest";
import type { ControllerPolicy } from "../src/policies";
import { QualitySampler } from "../src/quality";

const log = createLogger({ service: "quality-test" }, { level: "error" });
/** A policy that answers `value` (what a qualityChecker's eval returned). */
const answering = (value: unknown) =>
  ({ eval: async () => ({ ok: true, value }) }) as unknown as ControllerPolicy;
const packet = (data: Record<string, unknown>): TAiosPacket =>
  ({ session_id: "s", seq_no: 1, data, ts: 0 }) as TAiosPacket;
const input = (data: Record<string, unknown>) => ({
  vdagURI: "v:1.0.0-stable",
  request: packet({ q: "question" }),
  response: packet(data),
  latencyMs: 5,
});

describe("QualitySampler routes", () => {
  it("keeps an unrouted verdict as before, without the packets", async () => {
    const q = new QualitySampler(log);
    await q.sample(answering({ passed: true, score: 1 }), "t1", input({ a: 1 }));
    expect(q.drain()).toEqual([{ taskId: "t1", at: expect.any(Number), passed: true, score: 1 }]);
  });

  it("carries the request and the response of a routed sample, bounding a large one", async () => {
    const q = new QualitySampler(log);
    await q.sample(answering({ passed: false, route: "manual" }), "t2", input({ a: 1 }));
    const big = "x".repeat(QUALITY_PAYLOAD_MAX_CHARS);
    await q.sample(answering({ passed: true, route: "webhook" }), "t3", input({ big }));
    const [manual, webhook] = q.drain();
    expect(manual).toMatchObject({
      route: "manual",
      input: { data: { q: "question" } },
      output: { data: { a: 1 } },
    });
    expect(webhook?.route).toBe("webhook");
    expect(webhook?.output).toMatchObject({ truncated: true, bytes: expect.any(Number) });
    expect((webhook?.output as { preview?: string } | undefined)?.preview).toHaveLength(
      QUALITY_PAYLOAD_PREVIEW_CHARS,
    );
  });

  it("records an unknown route as the policy's error", async () => {
    const q = new QualitySampler(log);
    await q.sample(answering({ passed: true, route: "email" }), "t4", input({}));
    const [s] = q.drain();
    expect(s?.error).toBe('route must be "webhook" or "manual", got "email"');
    expect(s?.route).toBeUndefined();
    expect(q.failed).toBe(1);
  });
});
