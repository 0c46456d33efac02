import { parseArgs } from "node:util";
import type { TVdagTraceStep } from "@aios/contracts";
import type { ApiClient } from "../api-client";
import { type CliIo, CliUsageError } from "./io";
import { intValue, jsonValue, print } from "./values";

export const VDAG_USAGE = `  aios infer vdag VDAG_URI --data JSON|FILE [--session S] [--async]
                                          one request through a vDAG; prints the result and its trace
  aios trace TASK_ID                      a vDAG request's status, result and the trace of its steps
  aios remove vdag VDAG_URI               stop a vDAG's controller (kept as removed)`;

/**
 * The trace as a table, one line per step, in the order steps started: where each ran (the block,
 * its cluster, the node of the executor that took it, the instance), how it ended and how long it took.
 */
export function formatTrace(steps: readonly TVdagTraceStep[]): string {
  if (steps.length === 0) return "(no steps)";
  const rows = steps.map((s) => [
    s.nodeLabel,
    s.blockId,
    s.clusterId ?? "-",
    s.nodeId ?? "-",
    s.instanceId ?? "-",
    s.status,
    `${s.durationMs.toFixed(1)} ms`,
    (s.next ?? []).join(",") || "-",
    s.error ?? "",
  ]);
  const head = ["STEP", "BLOCK", "CLUSTER", "NODE", "INSTANCE", "STATUS", "TIME", "NEXT", "ERROR"];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  return [head, ...rows]
    .map((r) =>
      r
        .map((c, i) => c.padEnd(widths[i] ?? 0))
        .join("  ")
        .trimEnd(),
    )
    .join("\n");
}

/** `aios infer vdag`: a request through the vDAG's controller, via the API's data plane. */
export async function vdagInferCommand(
  apiUrl: string,
  token: string | undefined,
  args: string[],
  io: CliIo,
): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      data: { type: "string" },
      session: { type: "string" },
      seq: { type: "string" },
      async: { type: "boolean" },
      output: { type: "string", short: "o" },
    },
  });
  const [, uri] = positionals;
  if (!uri) throw new CliUsageError("usage: aios infer vdag VDAG_URI --data JSON");
  if (values.data === undefined) throw new CliUsageError("infer needs --data");
  const seq = intValue("--seq", values.seq);
  const url = `${apiUrl.replace(/\/+$/, "")}/v1/vdags/${encodeURIComponent(uri)}/infer${values.async ? "?async=1" : ""}`;
  const res = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({
      data: jsonValue("--data", values.data),
      ...(values.session ? { session_id: values.session } : {}),
      ...(seq !== undefined ? { seq_no: seq } : {}),
    }),
  });
  const body = (await res.json()) as {
    taskId?: string;
    status?: string;
    packet?: { data: unknown };
    trace?: TVdagTraceStep[];
    error?: { message: string; stage: string; nodeLabel?: string };
  };
  if (values.output === "json") {
    print(io.out, body);
    return res.ok ? 0 : 1;
  }
  if (values.async && res.ok) {
    io.out(`task ${body.taskId}: ${body.status} (see: aios trace ${body.taskId})`);
    return 0;
  }
  if (!res.ok || body.error) {
    const at = body.error?.nodeLabel ? ` at step ${body.error.nodeLabel}` : "";
    io.err(
      `infer failed (HTTP ${res.status}, stage ${body.error?.stage ?? "?"}${at}): ${body.error?.message ?? "no details"}`,
    );
    if (body.trace?.length) io.err(formatTrace(body.trace));
    return 1;
  }
  print(io.out, body.packet?.data);
  io.out(`\ntask ${body.taskId}`);
  io.out(formatTrace(body.trace ?? []));
  return 0;
}

/** `aios trace TASK_ID`: what a vDAG request did, step by step. */
export async function traceCommand(api: ApiClient, args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { output: { type: "string", short: "o" } },
  });
  const [taskId] = positionals;
  if (!taskId) throw new CliUsageError("usage: aios trace TASK_ID");
  const task = await api.vdags.task.query({ taskId });
  if (values.output === "json") {
    print(io.out, task);
    return 0;
  }
  io.out(`task ${task.taskId} of ${task.vdagURI ?? "?"}: ${task.status}`);
  // The id to look up in a trace backend (Jaeger, Tempo...), when spans are exported.
  if (task.traceId) io.out(`trace id: ${task.traceId}`);
  if (task.error) io.out(`error: ${JSON.stringify(task.error)}`);
  if (task.result)
    print(io.out, (task.result as { packet?: { data?: unknown } }).packet?.data ?? task.result);
  io.out(formatTrace(task.trace));
  return 0;
}
