import {
  type Context,
  context,
  propagation,
  ROOT_CONTEXT,
  type Span,
  SpanKind,
  SpanStatusCode,
  trace,
} from "@opentelemetry/api";
import { AsyncLocalStorageContextManager } from "@opentelemetry/context-async-hooks";
import { W3CTraceContextPropagator } from "@opentelemetry/core";
import { OTLPTraceExporter } from "@opentelemetry/exporter-trace-otlp-http";
import { resourceFromAttributes } from "@opentelemetry/resources";
import { BatchSpanProcessor, TracerProvider } from "@opentelemetry/sdk-trace";
import { validTraceparent } from "./traceparent";
import type { SpanAttributes, SpanKindName, TraceSpan, Tracing } from "./tracing";

const KINDS: Record<SpanKindName, SpanKind> = {
  server: SpanKind.SERVER,
  client: SpanKind.CLIENT,
  internal: SpanKind.INTERNAL,
  producer: SpanKind.PRODUCER,
  consumer: SpanKind.CONSUMER,
};

const defined = (attributes: SpanAttributes | undefined) =>
  Object.fromEntries(Object.entries(attributes ?? {}).filter(([, v]) => v !== undefined)) as Record<
    string,
    string | number | boolean
  >;

class OtelSpan implements TraceSpan {
  constructor(
    private readonly span: Span,
    readonly traceparent: string,
    readonly otelContext: Context,
  ) {}
  get traceId() {
    return this.span.spanContext().traceId;
  }
  get header() {
    return this.traceparent;
  }
  setAttributes(attributes: SpanAttributes): void {
    this.span.setAttributes(defined(attributes));
  }
  fail(message: string): void {
    this.span.setStatus({ code: SpanStatusCode.ERROR, message });
  }
  end(): void {
    this.span.end();
  }
}

/**
 * The OpenTelemetry SDK behind `Tracing`: a tracer provider with a batching OTLP/HTTP exporter,
 * the W3C trace-context propagator, and an AsyncLocalStorage context manager (for libraries that
 * read the active context, such as BullMQ's telemetry), all registered as the process's globals.
 */
export function createOtelTracing(service: string, attributes: SpanAttributes): Tracing {
  const provider = new TracerProvider({
    resource: resourceFromAttributes({ "service.name": service, ...defined(attributes) }),
    spanProcessors: [
      new BatchSpanProcessor({
        exporter: new OTLPTraceExporter(),
        // The standard setting, read here since the SDK's defaults are fixed in code.
        ...(Number(process.env.OTEL_BSP_SCHEDULE_DELAY) > 0
          ? { scheduledDelayMillis: Number(process.env.OTEL_BSP_SCHEDULE_DELAY) }
          : {}),
      }),
    ],
  });
  trace.setGlobalTracerProvider(provider);
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  const tracer = provider.getTracer("aios");
  return {
    enabled: true,
    startSpan(name, opts = {}) {
      const parent = validTraceparent(opts.parent);
      const parentContext = parent
        ? propagation.extract(ROOT_CONTEXT, { traceparent: parent })
        : ROOT_CONTEXT;
      const span = tracer.startSpan(
        name,
        { kind: KINDS[opts.kind ?? "internal"], attributes: defined(opts.attributes) },
        parentContext,
      );
      const spanContext = trace.setSpan(parentContext, span);
      const carrier: Record<string, string> = {};
      propagation.inject(spanContext, carrier);
      return new OtelSpan(span, carrier.traceparent ?? "", spanContext);
    },
    withParent(traceparent, fn) {
      const parent = validTraceparent(traceparent);
      if (!parent) return fn();
      return context.with(propagation.extract(ROOT_CONTEXT, { traceparent: parent }), fn);
    },
    shutdown: () => provider.shutdown(),
  };
}
