export { newTraceparent, TRACEPARENT, traceIdOf, validTraceparent } from "./traceparent";
export {
  initTracing,
  type SpanAttributes,
  type SpanKindName,
  type TraceSpan,
  type Tracing,
  traceparentOfHeaders,
  tracing,
  tracingRequested,
} from "./tracing";
