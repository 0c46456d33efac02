import { boundQualityPayload, QUALITY_ROUTES, type TAiosPacket, type TQualitySample } from "@aios/contracts";
import type { Logger } from "@aios/service-kit";
import type { ControllerPolicy } from "./policies";

const KEEP = 200;
/** Sampled requests whose verdict is still being computed; more are dropped (counted). */
const MAX_PENDING = 8;

export interface QualityInput {
  vdagURI: string;
  request: TAiosPacket;
  response: TAiosPacket;
  latencyMs: number;
}

/**
 * A sample the policy routes (`webhook` or `manual`) carries the request and the response, each
 * bounded (`boundQualityPayload`: past 32 KiB of JSON only its size and a preview); an unknown
 * route is the policy's error, recorded as such.
 */
function routeSample(s: TQualitySample, route: unknown, input: QualityInput): void {
  if (!(QUALITY_ROUTES as readonly unknown[]).includes(route)) {
    s.error = `route must be "webhook" or "manual", got ${JSON.stringify(route)}`;
    return;
  }
  s.route = route as TQualitySample["route"];
  s.input = boundQualityPayload(input.request);
  s.output = boundQualityPayload(input.response);
}

/**
 * Every `framesInterval`-th successful request goes to the qualityChecker policy after it was
 * answered (the routed ones are sent on by the API). The last 200 verdicts are kept (`samples`,
 * `drain`). A policy that returns nothing records nothing; one that fails records a sample with
 * `error` (counted as failed).
 */
export class QualitySampler {
  sampled = 0;
  failed = 0;
  dropped = 0;
  private seen = 0;
  private pending = 0;
  private kept: TQualitySample[] = [];

  constructor(private readonly log: Logger) {}

  /** Counts one successful request; true when it is to be sampled. */
  due(framesInterval: number): boolean {
    return ++this.seen % framesInterval === 0;
  }

  /** Runs the policy on one request; never rejects. */
  async sample(policy: ControllerPolicy, taskId: string, input: QualityInput): Promise<void> {
    if (this.pending >= MAX_PENDING) {
      this.dropped++;
      return;
    }
    this.pending++;
    try {
      const r = await policy.eval(input);
      if (r.ok && r.value === undefined) return;
      const s: TQualitySample = { taskId, at: Date.now(), passed: null, score: null };
      if (r.ok) {
        const v = r.value as { passed?: boolean; score?: number; reason?: string; route?: unknown };
        s.passed = v.passed ?? null;
        s.score = v.score ?? null;
        if (v.reason !== undefined) s.reason = v.reason;
        if (v.route !== undefined) routeSample(s, v.route, input);
      } else {
        s.error = r.message;
        this.log.warn("quality policy failed", { taskId, error: r.message });
      }
      this.sampled++;
      if (s.passed === false || s.error !== undefined) this.failed++;
      this.kept.push(s);
      if (this.kept.length > KEEP) this.kept.splice(0, this.kept.length - KEEP);
    } catch (err) {
      this.log.warn("quality sampling failed", { taskId, err });
    } finally {
      this.pending--;
    }
  }

  samples(): TQualitySample[] {
    return [...this.kept];
  }

  /** The kept samples, oldest first; the list starts over. */
  drain(): TQualitySample[] {
    const out = this.kept;
    this.kept = [];
    return out;
  }
}
