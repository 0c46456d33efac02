export { newTraceparent, TRACEPARENT, traceIdOf, validTraceparent } from "./traceparent";
export {
  initTracing,
  type SpanAttributes,
  type SpanKindName,
  TRACING_OFF,
  type TraceSpan,
  type Tracing,
  traceparentOfHeaders,
  tracing,
  tracingRequested,
  useTracing,
} from "./tracing";
