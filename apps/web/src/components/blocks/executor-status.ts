/**
 * The block executor's `GET /status` as `blocks.metrics` returns it (untyped JSON on the wire, so
 * every field is optional here and the card shows "—" for what is missing).
 */
export interface ExecutorStatus {
  blockId?: string;
  healthy?: boolean;
  startedAt?: string | null;
  inFlight?: number;
  instances?: ExecutorInstance[];
  /** Tasks by outcome (`ok`, `failed`, `timeout`, …). */
  tasks?: Record<string, number>;
  loadBalancer?: { policy?: string | null; policyErrors?: number; lastPolicyError?: string | null };
  healthChecker?: {
    policy?: string | null;
    rounds?: number;
    lastRunAt?: string | null;
    blockHealthy?: boolean | null;
    lastError?: string | null;
  };
  autoscaler?: {
    policy?: string | null;
    rounds?: number;
    lastRunAt?: string | null;
    cooldownUntil?: string | null;
    lastDecision?: ScaleDecision | null;
    lastError?: string | null;
  };
}

export interface ExecutorInstance {
  id: string;
  endpoint?: string;
  state?: string;
  inFlight?: number;
  tasks?: { completed?: number; failed?: number };
  latencyP50Ms?: number | null;
  consecutiveFailures?: number;
  lastHealth?: { at?: string | null; ok?: boolean; detail?: string } | null;
}

export interface ScaleDecision {
  skip?: boolean;
  operation?: "upscale" | "downscale";
  instancesCount?: number;
  instancesList?: string[];
  reason?: string;
  at?: string | null;
}

/** "upscale +1 (load 2.00)", "downscale i-2, i-3", or "none yet". */
export function describeDecision(d: ScaleDecision | null | undefined): string {
  if (!d?.operation) return "none yet";
  const what =
    d.operation === "upscale"
      ? `upscale +${d.instancesCount ?? "?"}`
      : `downscale ${d.instancesList?.join(", ") ?? ""}`;
  return d.reason ? `${what} (${d.reason})` : what;
}

export const formatMs = (ms: number | null | undefined) =>
  typeof ms === "number"
    ? ms >= 1000
      ? `${(ms / 1000).toFixed(2)} s`
      : `${ms.toFixed(ms < 10 ? 1 : 0)} ms`
    : "—";
