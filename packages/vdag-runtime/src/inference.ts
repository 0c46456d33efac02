import { randomUUID } from "node:crypto";
import { type TAiosPacket, type TVdagInferResponse, ZVdagInferRequest } from "@aios/contracts";
import { type Logger, tracing } from "@aios/service-kit";
import { issuesOf, type Reply } from "./controller-error";
import { runVdagRequest } from "./engine";
import type { Generation, Generations } from "./generations";
import type { HealthMonitor } from "./health";
import type { ControllerMetrics } from "./metrics";
import type { QualitySampler } from "./quality";
import { type QuotaTable, quotaSessionOf } from "./quota";

const MAX_SEQ_SESSIONS = 100_000;

const SHUTTING_DOWN = "controller is shutting down";

export interface InferenceDeps {
  generations: Generations;
  health: HealthMonitor;
  quota: QuotaTable;
  quality: QualitySampler;
  metrics: ControllerMetrics;
  log: Logger;
  /** How many answers `task(id)` keeps. */
  tasksKept: number;
  isStopping(): boolean;
}

export interface InferOptions {
  /** The task id (`x-aios-task-id`); else a new UUID. */
  taskId?: string;
  /** Who sent the request (see `callerOf` in server.ts): the quota key of a request without session_id. */
  caller?: string;
  /** The request's `traceparent` (the API's span): the request's span is its child. */
  traceparent?: string | string[] | undefined;
}

/**
 * The controller's requests (`POST /v1/infer`): each one against the current configuration, which
 * it keeps until done; the default `seq_no` per session; the last answers by task id.
 */
export function createInference(deps: InferenceDeps) {
  const { generations, health, quota, quality, metrics, log } = deps;
  const tasks = new Map<string, string>();
  /** Next default `seq_no` per session, for the most recent MAX_SEQ_SESSIONS sessions. */
  const seqs = new Map<string, number>();
  let inFlight = 0;

  const remember = (taskId: string, text: string) => {
    tasks.delete(taskId);
    tasks.set(taskId, text);
    if (tasks.size > deps.tasksKept) tasks.delete(tasks.keys().next().value as string);
  };

  /** Answer without walking: refused or failed before the graph. */
  const refusal = (
    taskId: string,
    gen: Generation,
    status: number,
    stage: "request" | "quota" | "health" | "controller",
    message: string,
    t0: number,
  ): Reply<TVdagInferResponse> => ({
    status,
    body: {
      taskId,
      vdagURI: gen.config.vdagURI,
      outputs: [],
      trace: [],
      durationMs: Math.round((performance.now() - t0) * 1000) / 1000,
      error: { message, stage },
    },
  });

  /**
   * One request (what `POST /v1/infer` does): health fast check, quota, the walk. The reply's body
   * is a `ZVdagInferResponse`; `text` is its JSON (the HTTP handler sends it as is).
   */
  async function infer(
    json: unknown,
    opts: InferOptions = {},
  ): Promise<Reply<TVdagInferResponse> & { text: string }> {
    // One span per request; each step's span is its child (walk.ts).
    const span = tracing().startSpan("vdag.request", {
      parent: opts.traceparent,
      kind: "server",
      attributes: { "aios.vdag.uri": generations.current.config.vdagURI, "aios.task.id": opts.taskId },
    });
    const reply = await inferReply(json, opts, span.header);
    span.setAttributes({ "aios.task.id": reply.body.taskId, "http.response.status_code": reply.status });
    if (reply.body.error) span.fail(`${reply.body.error.stage}: ${reply.body.error.message}`);
    span.end();
    const text = JSON.stringify(reply.body);
    // Kept for GET /v1/tasks/:id: every request that was taken (not bad ones, not while stopping).
    if (reply.status !== 400 && reply.body.error?.message !== SHUTTING_DOWN)
      remember(reply.body.taskId, text);
    return { ...reply, text };
  }

  async function inferReply(
    json: unknown,
    opts: InferOptions,
    traceparent: string | undefined,
  ): Promise<Reply<TVdagInferResponse>> {
    const t0 = performance.now();
    const taskId = opts.taskId || randomUUID();
    const gen = generations.current;
    if (deps.isStopping()) return refusal(taskId, gen, 503, "controller", SHUTTING_DOWN, t0);
    const req = ZVdagInferRequest.safeParse(json);
    if (!req.success) {
      const { text, issues } = issuesOf(req.error);
      const r = refusal(taskId, gen, 400, "request", `invalid request: ${text}`, t0);
      (r.body.error as Record<string, unknown>).issues = issues;
      return r;
    }
    gen.active++;
    inFlight++;
    let keep = false;
    try {
      const vdagURI = gen.config.vdagURI;
      const session_id = req.data.session_id ?? "default";
      let seq_no = req.data.seq_no;
      const nextSeq = seqs.get(session_id) ?? 0;
      if (seq_no === undefined) seq_no = nextSeq;
      if (seq_no >= nextSeq) {
        // Sessions come and go: keep the most recent ones (a Map iterates in insertion order).
        seqs.delete(session_id);
        if (seqs.size >= MAX_SEQ_SESSIONS) seqs.delete(seqs.keys().next().value as string);
        seqs.set(session_id, seq_no + 1);
      }

      const unhealthy = await health.fastCheck(gen.policies.health, vdagURI);
      if (unhealthy !== undefined) {
        metrics.request("refused_health");
        return refusal(taskId, gen, 503, "health", unhealthy, t0);
      }
      const packet: TAiosPacket = { session_id, seq_no, data: req.data.data, ts: Date.now() };
      if (req.data.files) packet.files = req.data.files;
      const q = await quota.check(gen.policies.quota, {
        vdagURI,
        sessionId: quotaSessionOf(req.data.session_id, opts.caller),
        ...(opts.caller ? { caller: opts.caller } : {}),
        packet,
      });
      if (!q.allowed) {
        metrics.request("refused_quota");
        return refusal(taskId, gen, q.status, "quota", q.reason, t0);
      }

      const result = await runVdagRequest(gen.engine, packet, traceparent);
      const body: TVdagInferResponse = {
        taskId,
        vdagURI,
        ...(result.packet ? { packet: result.packet } : {}),
        outputs: result.outputs,
        trace: result.trace,
        durationMs: result.durationMs,
      };
      if (result.error) {
        const { badRequest, ...error } = result.error;
        body.error = error;
        metrics.request("error", result.durationMs);
        const status =
          result.error.stage === "controller" ? 500 : badRequest ? 400 : result.timedOut ? 504 : 502;
        return { status, body };
      }
      metrics.request("ok", result.durationMs);
      const q2 = gen.config.quality;
      const policy = gen.policies.quality;
      if (q2 && policy && result.packet && quality.due(q2.framesInterval)) {
        keep = true;
        const response = result.packet;
        // After the answer was written (the handler writes it before the next macrotask).
        setImmediate(() => {
          void quality
            .sample(policy, taskId, {
              vdagURI,
              request: result.request,
              response,
              latencyMs: result.durationMs,
            })
            .finally(() => {
              gen.active--;
              generations.settle(gen);
            });
        });
      }
      return { status: 200, body };
    } catch (err) {
      log.error("request failed in the controller", { taskId, err });
      metrics.request("error", performance.now() - t0);
      return refusal(taskId, gen, 500, "controller", `controller error: ${(err as Error).message}`, t0);
    } finally {
      inFlight--;
      if (!keep) {
        gen.active--;
        generations.settle(gen);
      }
    }
  }

  return {
    infer,
    task: (id: string) => tasks.get(id),
    /** Requests being answered. */
    get inFlight() {
      return inFlight;
    },
  };
}
