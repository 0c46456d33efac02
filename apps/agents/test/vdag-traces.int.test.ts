import { initTracing, TRACING_OFF, type Tracing, useTracing } from "@aios/service-kit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type JaegerPeer,
  type JaegerSpan,
  type JaegerTrace,
  startJaeger,
} from "../../../scripts/jaeger-peer/index";
import { waitUntil } from "./agent-process";
import { PIPELINE, useExampleStack } from "./example-stack";

// One vDAG request as one OpenTelemetry trace in a real Jaeger (built from Go modules:
// testpeers/jaeger): the API (this process), the vDAG controller, each step's block executor and
// instance export their spans over OTLP/HTTP, each the child of the hop before it.

const redisUrl = process.env.AIOS_TEST_REDIS_URL ?? "";
const OTEL_ENV = ["OTEL_EXPORTER_OTLP_ENDPOINT", "OTEL_BSP_SCHEDULE_DELAY"] as const;

const tag = (span: JaegerSpan, key: string) => span.tags.find((t) => t.key === key)?.value;
const parentOf = (trace: JaegerTrace, span: JaegerSpan) =>
  trace.spans.find((s) => span.references.some((r) => r.refType === "CHILD_OF" && r.spanID === s.spanID));
const serviceOf = (trace: JaegerTrace, span: JaegerSpan) => trace.processes[span.processID]?.serviceName;

describe.runIf(redisUrl)("a vDAG request's trace in Jaeger", () => {
  let jaeger: JaegerPeer | undefined;
  let traces: Tracing | undefined;
  // Before the stack starts: the agent, and through it every workload, takes the endpoint from here.
  beforeAll(async () => {
    jaeger = await startJaeger();
    process.env.OTEL_EXPORTER_OTLP_ENDPOINT = jaeger.otlpHttpUrl;
    process.env.OTEL_BSP_SCHEDULE_DELAY = "200";
    traces = await initTracing("aios-api");
  }, 900_000);
  const { api } = useExampleStack();
  afterAll(async () => {
    useTracing(TRACING_OFF);
    await traces?.shutdown();
    for (const name of OTEL_ENV) delete process.env[name];
    await jaeger?.stop();
  });

  /** The task's trace once Jaeger holds every span of it: each hop of its three steps, and `extra`. */
  const traceOfTask = async (taskId: string, extra: string[] = []) => {
    let traceId = "";
    await waitUntil("the task to be stored", async () => {
      traceId =
        (
          await api
            .caller()
            .vdags.task({ taskId })
            .catch(() => null)
        )?.traceId ?? "";
      return traceId !== "";
    });
    let trace: JaegerTrace | null = null;
    await waitUntil(
      "the trace's spans in Jaeger",
      async () => {
        trace = (await jaeger?.trace(traceId)) ?? null;
        // Each process exports in its own batches, a span once it ended: wait for every hop's.
        const names = trace?.spans.map((s) => s.operationName) ?? [];
        const count = (name: string) => names.filter((n) => n === name).length;
        return (
          ["instance.infer", "block.task", "vdag.step"].every((name) => count(name) >= 3) &&
          [...extra, "vdag.request", "vdag.infer"].every((name) => count(name) >= 1)
        );
      },
      30_000,
    ).catch((err: Error) => {
      throw new Error(
        `${err.message}; Jaeger has ${JSON.stringify(trace?.spans.map((s) => s.operationName))}\n${jaeger?.logTail(20)}`,
      );
    });
    return { traceId, trace: trace as unknown as JaegerTrace };
  };

  it("is one trace across the API, the controller, the executors and the instances, each span the child of the hop before", async () => {
    const res = await fetch(`${api.url}/v1/vdags/${PIPELINE}/infer`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ data: { text: "I love this wonderful product" } }),
    });
    expect(res.status).toBe(200);
    const { taskId } = (await res.json()) as { taskId: string };
    const { traceId, trace } = await traceOfTask(taskId);

    expect(trace.traceID).toBe(traceId);
    const services = new Set(trace.spans.map((s) => serviceOf(trace, s)));
    expect([...services].sort()).toEqual([
      "aios-api",
      "aios-executor",
      "aios-instance",
      "aios-vdag-controller",
    ]);

    const named = (name: string) => trace.spans.filter((s) => s.operationName === name);
    const [root] = named("vdag.infer");
    expect(root && parentOf(trace, root)).toBeUndefined();
    const [request] = named("vdag.request");
    expect(request && parentOf(trace, request)?.spanID).toBe(root?.spanID);
    expect(tag(request as JaegerSpan, "aios.task.id")).toBe(taskId);
    // detect -> sentiment -> aggregate ran; "other" was skipped, so it has no step span.
    const steps = named("vdag.step");
    expect(steps.map((s) => tag(s, "aios.vdag.node")).sort()).toEqual(["aggregate", "detect", "sentiment"]);
    for (const step of steps) {
      expect(parentOf(trace, step)?.spanID).toBe(request?.spanID);
      const [task] = trace.spans.filter(
        (s) => s.operationName === "block.task" && parentOf(trace, s)?.spanID === step.spanID,
      );
      expect(task, `the executor's span of step ${tag(step, "aios.vdag.node")}`).toBeDefined();
      expect(tag(task as JaegerSpan, "aios.block.id")).toBe(tag(step, "aios.block.id"));
      expect(tag(task as JaegerSpan, "aios.node.id")).toMatch(/-node$/);
      const [instance] = trace.spans.filter(
        (s) => s.operationName === "instance.infer" && parentOf(trace, s)?.spanID === task?.spanID,
      );
      expect(instance, `the instance's span of step ${tag(step, "aios.vdag.node")}`).toBeDefined();
      expect(tag(instance as JaegerSpan, "aios.instance.id")).toBe(
        tag(task as JaegerSpan, "aios.instance.id"),
      );
    }
  });

  it("goes on through an async task's queue and worker", async () => {
    const res = await fetch(`${api.url}/v1/vdags/${PIPELINE}/infer?async=1`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ data: { text: "what a great day" } }),
    });
    expect(res.status).toBe(202);
    const { taskId } = (await res.json()) as { taskId: string };
    await waitUntil(
      "the task to end",
      async () => (await api.caller().vdags.task({ taskId })).status === "succeeded",
    );
    const { trace } = await traceOfTask(taskId, ["vdag.task"]);
    const [root] = trace.spans.filter((s) => s.operationName === "vdag.infer");
    const [worker] = trace.spans.filter((s) => s.operationName === "vdag.task");
    expect(worker && parentOf(trace, worker)?.spanID).toBe(root?.spanID);
    const [request] = trace.spans.filter((s) => s.operationName === "vdag.request");
    expect(request && parentOf(trace, request)?.spanID).toBe(worker?.spanID);
  });
});
