import type { Context, Span, SpanKind } from "@opentelemetry/api";
import { validTraceparent } from "./traceparent";
import type { SpanAttributes, SpanKindName, TraceSpan, Tracing } from "./tracing";

/** OpenTelemetry's SpanKind values (its enum: INTERNAL 0, SERVER 1, CLIENT 2, PRODUCER 3, CONSUMER 4). */
const KINDS: Record<SpanKindName, SpanKind> = {
  internal: 0,
  server: 1,
  client: 2,
  producer: 3,
  consumer: 4,
};

const defined = (attributes: SpanAttributes | undefined) =>
  Object.fromEntries(Object.entries(attributes ?? {}).filter(([, v]) => v !== undefined)) as Record<
    string,
    string | number | boolean
  >;

/** SpanStatusCode.ERROR. */
const STATUS_ERROR = 2;

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
    this.span.setStatus({ code: STATUS_ERROR, message });
  }
  end(): void {
    this.span.end();
  }
}

/**
 * The OpenTelemetry SDK behind `Tracing`: a tracer provider with a batching OTLP/HTTP exporter,
 * the W3C trace-context propagator, and an AsyncLocalStorage context manager (for libraries that
 * read the active context, such as BullMQ's telemetry), all registered as the process's globals.
 * Its packages are imported here, when tracing is on: a bundled runtime keeps them external, so a
 * process without an endpoint never loads them.
 */
export async function createOtelTracing(service: string, attributes: SpanAttributes): Promise<Tracing> {
  const [
    { context, propagation, ROOT_CONTEXT, trace },
    { W3CTraceContextPropagator },
    { OTLPTraceExporter },
    { resourceFromAttributes },
    { BatchSpanProcessor, TracerProvider },
    { AsyncLocalStorageContextManager },
  ] = await Promise.all([
    import("@opentelemetry/api"),
    import("@opentelemetry/core"),
    import("@opentelemetry/exporter-trace-otlp-http"),
    import("@opentelemetry/resources"),
    import("@opentelemetry/sdk-trace"),
    import("@opentelemetry/context-async-hooks"),
  ]);
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
