import type { IncomingMessage, ServerResponse } from "node:http";
import { ZInferRequest } from "@aios/spec";
import { resolvePrincipal } from "../context";
import { AppError, NotFoundError } from "../errors";
import type { Services } from "../services";
import { RequestError, readBody, send } from "./io";

const PATH = /^\/v1\/blocks\/([a-z0-9-]{1,63})\/infer(?:\?.*)?$/;

export const isBlockInfer = (req: IncomingMessage) => req.method === "POST" && PATH.test(req.url ?? "");

/**
 * `POST /v1/blocks/<blockId>/infer`: the data plane for one block. Takes `{packet}` or the short
 * form `{data, session_id?, seq_no?}`, forwards it to the block's executor and returns its answer
 * (status and body) as is. Errors are `{error: {message, stage}}` like the executor's own.
 */
export async function handleBlockInfer(services: Services, req: IncomingMessage, res: ServerResponse) {
  const blockId = PATH.exec(req.url ?? "")?.[1] ?? "";
  try {
    const principal = await resolvePrincipal(services, req.headers.authorization);
    if (!principal) return send(res, 401, failure("an API token is required", "request"));
    const body = parseBody(await readBody(req));
    const parsed = ZInferRequest.safeParse(body);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      return send(res, 400, failure(`${issue?.path.join(".") || "(body)"}: ${issue?.message}`, "request"));
    }
    const endpoint = await services.blockLifecycle.executorEndpoint(blockId);
    const upstream = await fetch(`${endpoint}/infer`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(parsed.data),
      signal: AbortSignal.timeout(120_000),
    });
    res.writeHead(upstream.status, {
      "content-type": upstream.headers.get("content-type") ?? "application/json",
    });
    res.end(Buffer.from(await upstream.arrayBuffer()));
  } catch (err) {
    if (err instanceof RequestError) return send(res, 400, failure(err.message, "request"));
    if (err instanceof NotFoundError) return send(res, 404, failure(err.message, "request"));
    if (err instanceof AppError) return send(res, 503, failure(err.message, "executor"));
    const message = err instanceof Error ? err.message : String(err);
    return send(res, 502, failure(`the block's executor could not be reached: ${message}`, "executor"));
  }
}

/** `{data}` is short for a packet of a one-off session. */
function parseBody(text: string): unknown {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new RequestError("(body): is not valid JSON");
  }
  const b = body as Record<string, unknown> | null;
  if (b && typeof b === "object" && !("packet" in b) && "data" in b) {
    return {
      packet: {
        session_id: typeof b.session_id === "string" ? b.session_id : `s-${Date.now().toString(36)}`,
        seq_no: typeof b.seq_no === "number" ? b.seq_no : 0,
        data: b.data,
        ts: Date.now(),
      },
    };
  }
  return body;
}

const failure = (message: string, stage: "request" | "executor") => ({ error: { message, stage } });
