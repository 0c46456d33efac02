import type { Logger } from "../logger";
import { newTraceparent, TRACEPARENT, traceIdOf, validTraceparent } from "./traceparent";

export type SpanKindName = "server" | "client" | "internal" | "producer" | "consumer";
export type SpanAttributes = Record<string, string | number | boolean | undefined>;

/** One hop's span, or its stand-in when no exporter is configured. */
export interface TraceSpan {
  /** The `traceparent` for the calls made on this span's behalf (this span as their parent). */
  readonly traceparent: string;
  /**
   * What to send on as `traceparent`: the span's when tracing is on; off, the parent's as it came,
   * or nothing when there was none (no id is made for a trace nobody records).
   */
  readonly header: string | undefined;
  readonly traceId: string;
  setAttributes(attributes: SpanAttributes): void;
  /** Marks the span failed, with why. */
  fail(message: string): void;
  end(): void;
  /** The OpenTelemetry context holding the span (for libraries that read the active context); null when off. */
  readonly otelContext: unknown;
}

export interface Tracing {
  /** True when spans are exported (`OTEL_EXPORTER_OTLP_ENDPOINT` or `..._TRACES_ENDPOINT` is set). */
  readonly enabled: boolean;
  /**
   * Starts a span under `parent` (a request's `traceparent` header; a new trace without a valid
   * one). Off, it records nothing and its `traceparent` is the parent's, so the trace still reaches
   * the processes after it.
   */
  startSpan(
    name: string,
    opts?: { parent?: unknown; kind?: SpanKindName; attributes?: SpanAttributes },
  ): TraceSpan;
  /**
   * Runs `fn` with `traceparent` as the active trace context, for libraries that read it (BullMQ's
   * telemetry: a job added within carries the trace). Off, it just runs `fn`.
   */
  withParent<T>(traceparent: string | undefined, fn: () => T): T;
  /** Exports what is pending; each process calls it when it stops. */
  shutdown(): Promise<void>;
}

/** Tracing off: a span is its parent's `traceparent` carried on (a new one made only when read), nothing is recorded. */
class PassThroughSpan implements TraceSpan {
  readonly otelContext = null;
  constructor(private parent: string | null) {}
  get traceparent(): string {
    this.parent ??= newTraceparent();
    return this.parent;
  }
  get header(): string | undefined {
    return this.parent ?? undefined;
  }
  get traceId() {
    return traceIdOf(this.traceparent);
  }
  setAttributes(): void {}
  fail(): void {}
  end(): void {}
}

const OFF: Tracing = {
  enabled: false,
  startSpan: (_name, opts) => new PassThroughSpan(validTraceparent(opts?.parent)),
  withParent: (_traceparent, fn) => fn(),
  shutdown: async () => {},
};

let current: Tracing = OFF;

/** This process's tracing: off until `initTracing` turned it on. */
export const tracing = (): Tracing => current;

/** Tracing off, as a process starts. */
export const TRACING_OFF: Tracing = OFF;

/**
 * Makes `next` this process's tracing and returns the one it replaces: for a bench measuring the
 * same code with tracing on and off in one process. Processes use `initTracing`.
 */
export function useTracing(next: Tracing): Tracing {
  const previous = current;
  current = next;
  return previous;
}

/** Whether the environment asks for spans to be exported (OTLP over HTTP). */
export const tracingRequested = (env: Record<string, string | undefined> = process.env) =>
  Boolean(env.OTEL_EXPORTER_OTLP_ENDPOINT || env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) &&
  env.OTEL_SDK_DISABLED !== "true";

/**
 * Turns this process's tracing on when the environment names an OTLP endpoint: spans of `service`
 * (its `service.name`; `attributes` describe the process: node, cluster, block...) are batched and
 * sent over OTLP/HTTP (the standard `OTEL_EXPORTER_OTLP_*` settings apply). Without an endpoint
 * nothing is loaded and every span costs a string copy. The OpenTelemetry SDK is imported only
 * when it is on.
 */
export async function initTracing(
  service: string,
  attributes: SpanAttributes = {},
  log?: Logger,
): Promise<Tracing> {
  if (!tracingRequested()) return OFF;
  const { createOtelTracing } = await import("./otel");
  current = await createOtelTracing(service, attributes);
  log?.info("tracing on", {
    service,
    endpoint: process.env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT ?? process.env.OTEL_EXPORTER_OTLP_ENDPOINT,
  });
  return current;
}

/** The request's `traceparent` header, when it is one. */
export const traceparentOfHeaders = (headers: Record<string, string | string[] | undefined>) =>
  validTraceparent(headers[TRACEPARENT]);
