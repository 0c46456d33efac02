import { tracing } from "@aios/service-kit";
import type { Telemetry } from "bullmq";

/**
 * BullMQ's OpenTelemetry telemetry (`bullmq-otel`) when this process exports traces (after
 * `initTracing`), else undefined: nothing is loaded and jobs carry no trace context.
 */
export async function queueTelemetry(): Promise<Telemetry | undefined> {
  if (!tracing().enabled) return undefined;
  const { BullMQOtel } = await import("bullmq-otel");
  return new BullMQOtel({ tracerName: "aios.queue" }) as unknown as Telemetry;
}
