import { ZHealthReport } from "@aios/contracts";
import { connectionFailure, errorCode, type Logger, parseJson } from "@aios/service-kit";
import type { RuntimeSettings } from "./config";
import type { HealthResult, InstanceRecord, Mapper } from "./mapper";
import type { BlockPolicy } from "./policies";

export interface HealthCheckerDeps {
  mapper: Mapper;
  settings: Pick<
    RuntimeSettings,
    "healthCheckIntervalMs" | "healthCheckTimeoutMs" | "failuresBeforeReplace" | "startupGraceMs"
  >;
  blockData: Record<string, unknown>;
  policy?: BlockPolicy;
  /** Asks the host (the agent, through /desired) to replace an instance. */
  replaceInstance(id: string, reason: string): void;
  /** An instance passed a probe again (a pending replace request may be withdrawn). */
  recovered?(id: string): void;
  log: Logger;
  /** The probe (default: GET <endpoint>/health); injectable for tests. */
  probe?: typeof probeInstance;
}

/** GET <endpoint>/health: healthy iff 200 and `{status: "healthy"}`. Never throws. */
export async function probeInstance(
  record: InstanceRecord,
  timeoutMs: number,
): Promise<HealthResult & { refused: boolean }> {
  const at = Date.now();
  try {
    const res = await record.pool.request({
      path: `${record.basePath}/health`,
      method: "GET",
      signal: AbortSignal.timeout(timeoutMs),
    });
    const text = await res.body.text();
    const report = parseJson(text);
    const parsed = ZHealthReport.safeParse(report);
    const ok = res.statusCode === 200 && parsed.success && parsed.data.status === "healthy";
    return { at, ok, refused: false, ...(ok ? {} : { detail: `HTTP ${res.statusCode}` }) };
  } catch (err) {
    const name = (err as Error).name;
    const detail =
      name === "TimeoutError" || name === "AbortError"
        ? "timeout"
        : (errorCode(err) ?? (err as Error).message);
    return { at, ok: false, refused: connectionFailure(err) === "refused", detail };
  }
}

/**
 * Probes every instance each healthCheckInterval, keeps healthy/unhealthy and consecutive failures,
 * and asks for replacements: with the block's healthChecker policy if any, else after
 * failuresBeforeReplace consecutive failures or at once when the connection is refused. An
 * instance still starting (within startupGrace) is probed every 250 ms until it answers, and its
 * failures do not count.
 */
export class HealthChecker {
  rounds = 0;
  lastRunAt: number | undefined;
  blockHealthy: boolean | undefined;
  lastError: string | undefined;
  private timers: NodeJS.Timeout[] = [];
  private running = false;

  private readonly probe: typeof probeInstance;

  constructor(private readonly deps: HealthCheckerDeps) {
    this.probe = deps.probe ?? probeInstance;
  }

  get policyUri(): string | undefined {
    return this.deps.policy?.uri;
  }

  start(): void {
    const { healthCheckIntervalMs } = this.deps.settings;
    const every = (ms: number, fn: () => Promise<unknown>) => {
      const t = setInterval(() => void fn(), ms);
      t.unref();
      this.timers.push(t);
    };
    every(healthCheckIntervalMs, () => this.round());
    every(Math.min(250, healthCheckIntervalMs), () => this.probeStarting());
    this.deps.mapper.on("changed", this.onChanged);
  }

  stop(): void {
    for (const t of this.timers) clearInterval(t);
    this.timers = [];
    this.deps.mapper.off("changed", this.onChanged);
  }

  private readonly onChanged = () => void this.probeStarting();

  /** New instances take tasks as soon as they answer a probe, not a whole interval later. */
  async probeStarting(): Promise<void> {
    const starting = this.deps.mapper.active().filter((r) => r.state === "starting");
    await Promise.all(
      starting.map(async (r) => {
        const result = await this.probe(r, this.deps.settings.healthCheckTimeoutMs);
        if (result.ok && r.state === "starting") this.apply(r, result);
      }),
    );
  }

  /** One round: probe all, update states, decide replacements. */
  async round(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      const { mapper, settings } = this.deps;
      const records = mapper.active();
      const results = await Promise.all(records.map((r) => this.probe(r, settings.healthCheckTimeoutMs)));
      const now = Date.now();
      const replace = new Map<string, string>();
      const healthCheckData: Record<string, boolean> = {};
      records.forEach((r, i) => {
        const result = results[i]!;
        const inGrace = r.state === "starting" && now - r.addedAt < settings.startupGraceMs;
        healthCheckData[r.id] = result.ok || inGrace;
        if (result.ok || !inGrace) this.apply(r, result);
        if (result.ok || inGrace || r.state === "draining") return;
        if (result.refused) replace.set(r.id, "connection refused");
        else if (r.consecutiveFailures >= settings.failuresBeforeReplace)
          replace.set(r.id, `${r.consecutiveFailures} consecutive failed health checks (${result.detail})`);
      });
      const decided = await this.decide(records, healthCheckData, replace);
      for (const [id, reason] of decided) {
        if (mapper.get(id)) this.deps.replaceInstance(id, reason);
      }
      this.rounds++;
      this.lastRunAt = now;
    } finally {
      this.running = false;
    }
  }

  private apply(r: InstanceRecord, result: HealthResult): void {
    r.lastHealth = { at: result.at, ok: result.ok, ...(result.detail ? { detail: result.detail } : {}) };
    if (result.ok) {
      r.consecutiveFailures = 0;
      this.deps.mapper.setState(r, "healthy");
      this.deps.recovered?.(r.id);
    } else {
      r.consecutiveFailures++;
      this.deps.mapper.setState(r, "unhealthy");
    }
  }

  private async decide(
    records: InstanceRecord[],
    healthCheckData: Record<string, boolean>,
    builtIn: Map<string, string>,
  ): Promise<Map<string, string>> {
    const { policy } = this.deps;
    if (!policy) {
      this.blockHealthy = records.some((r) => r.state === "healthy");
      return builtIn;
    }
    try {
      const out = (await policy.eval({
        blockData: this.deps.blockData,
        healthCheckData,
        instances: records.map((r) => ({
          id: r.id,
          status: r.state,
          healthy: r.state === "healthy",
          inFlight: r.inFlight,
          consecutiveFailures: r.consecutiveFailures,
          lastHealth: r.lastHealth,
        })),
      })) as { healthy: boolean; replaceInstances?: string[]; reason?: string };
      this.blockHealthy = out.healthy;
      this.lastError = undefined;
      const reason = `healthChecker policy ${policy.uri}${out.reason ? `: ${out.reason}` : ""}`;
      return new Map((out.replaceInstances ?? []).map((id) => [id, reason]));
    } catch (err) {
      this.lastError = (err as Error).message;
      this.deps.log.warn("healthChecker policy failed; using the built-in rule", { err });
      this.blockHealthy = records.some((r) => r.state === "healthy");
      return builtIn;
    }
  }
}
