import type { IncomingMessage, ServerResponse } from "node:http";
import { type PolicyHost, policyCallResult } from "@aios/policy-runtime";
import {
  type BodyLimit,
  ClientAbort,
  parseJsonBody,
  RequestError,
  readBody,
  requireDataToken,
  sendJson,
} from "@aios/service-kit";
import { z } from "zod";

/** What the API sends to `POST /execute`. */
const ZExecuteCall = z.object({
  policyRuleURI: z.string().min(1),
  input: z.unknown(),
  settings: z.record(z.string(), z.unknown()).optional(),
  parameters: z.record(z.string(), z.unknown()).optional(),
});

/** The executor's calls: in flight now, and since it started. */
export interface ExecutorLoad {
  inFlight: number;
  served: number;
  failed: number;
}

export interface ExecutorContext {
  host: PolicyHost;
  capacity: number;
  /** What the API presents (`authorization: Bearer`), made at start and given at registration. */
  callToken: string;
  bodyLimit: BodyLimit;
  load: ExecutorLoad;
}

/**
 * `POST /execute` (the API, with the call token): runs one stateless policy call on a warm
 * isolate and answers the policy's result (200 ok, 422 the policy failed); past its capacity it
 * answers 503 so the API tries another. `GET /health`: its load, for anyone.
 */
export function createExecutorHandler(ctx: ExecutorContext) {
  async function execute(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (ctx.load.inFlight >= ctx.capacity) {
      sendJson(res, 503, { error: `at capacity (${ctx.capacity} calls)` });
      return;
    }
    ctx.load.inFlight++;
    try {
      const text = (await readBody(req, ctx.bodyLimit)).toString("utf8");
      const parsed = ZExecuteCall.safeParse(parseJsonBody(text));
      if (!parsed.success) throw new RequestError(400, `invalid call: ${parsed.error.issues[0]?.message}`);
      const call = parsed.data;
      const r = policyCallResult(
        await ctx.host.execute(call.policyRuleURI, call.input, {
          ...(call.settings ? { settings: call.settings } : {}),
          ...(call.parameters ? { parameters: call.parameters } : {}),
        }),
      );
      if (r.ok) ctx.load.served++;
      else ctx.load.failed++;
      sendJson(res, r.ok ? 200 : 422, r);
    } finally {
      ctx.load.inFlight--;
    }
  }

  return (req: IncomingMessage, res: ServerResponse): void => {
    const path = (req.url ?? "/").split("?")[0];
    const route = `${req.method ?? "GET"} ${path}`;
    if (route === "GET /health") {
      sendJson(res, 200, { status: "healthy", capacity: ctx.capacity, ...ctx.load });
      return;
    }
    if (route !== "POST /execute") {
      sendJson(res, 404, { error: `no route ${route}` });
      return;
    }
    if (!requireDataToken(req, res, ctx.callToken)) return;
    execute(req, res).catch((err: Error) => {
      if (err instanceof ClientAbort || res.headersSent) return void res.destroy();
      const status = err instanceof RequestError ? err.status : 500;
      const error = { kind: status === 500 ? "runtime" : "invalid_input", message: err.message };
      sendJson(res, status, { ok: false, error, logs: [], durationMs: 0 });
    });
  };
}
