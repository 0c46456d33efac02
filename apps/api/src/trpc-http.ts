import type { IncomingMessage, ServerResponse } from "node:http";
import {
  type AnyTRPCProcedure,
  type AnyTRPCRouter,
  getTRPCErrorFromUnknown,
  getTRPCErrorShape,
  TRPCError,
  transformTRPCResponse,
} from "@trpc/server";
import {
  createURL,
  incomingMessageToRequest,
  internal_exceptionHandler,
  type NodeHTTPHandlerOptions,
} from "@trpc/server/adapters/node-http";
import { getHTTPStatusCode, resolveResponse, type TRPCRequestInfo } from "@trpc/server/http";

type Request = IncomingMessage & { body?: unknown };
export type TrpcHandlerOptions<R extends AnyTRPCRouter> = NodeHTTPHandlerOptions<
  R,
  Request,
  ServerResponse
> & {
  /** Where tRPC's paths start (`/trpc/`); the server routes only such URLs here. */
  basePath: string;
};
type Call<R extends AnyTRPCRouter> = TrpcHandlerOptions<R> & {
  req: Request;
  res: ServerResponse;
  path: string;
};

/**
 * tRPC's node:http adapter, answering as its standalone adapter (`createHTTPHandler`) answers, less
 * what that costs a call answering one JSON text (bench/docs/api.md).
 *
 * One call (a query by GET, a mutation by POST with a JSON body, not batched; what the CLI and the
 * agents make) is answered here: its procedure, context, error shape, status and `responseMeta` are
 * tRPC's own, called directly, without turning the request into a fetch `Request` (its headers,
 * its URL parsed twice more, half a dozen AbortSignals) and the answer into a fetch `Response` read back
 * from a web stream. Everything else (batches, subscriptions, streamed `jsonl`, a path of no known
 * procedure, a method the procedure does not take, connection params) goes through tRPC's
 * `resolveResponse`, its body written at once unless it streams.
 */
export function createTrpcHandler<R extends AnyTRPCRouter>(opts: TrpcHandlerOptions<R>) {
  const procedures = opts.router._def.procedures as Record<string, AnyTRPCProcedure | undefined>;
  return (req: Request, res: ServerResponse): void => {
    const url = req.url ?? "/";
    const query = url.indexOf("?");
    const one = singleCallOf(req, url.slice(opts.basePath.length, query < 0 ? undefined : query), procedures);
    const call = { ...opts, req, res, path: one ? one.rawPath : "" };
    const answered = one ? answerOne(call, one) : answerAny(call);
    answered.catch(internal_exceptionHandler(call));
  };
}

interface SingleCall {
  /** As the URL has it, and decoded. */
  rawPath: string;
  path: string;
  procedure: AnyTRPCProcedure;
  url: URL;
}

/** The one call a request makes, when it is a plain query or mutation this adapter answers itself. */
function singleCallOf(
  req: Request,
  rawPath: string,
  procedures: Record<string, AnyTRPCProcedure | undefined>,
): SingleCall | null {
  const method = req.method;
  if (method !== "GET" && method !== "POST") return null;
  if (req.headers["trpc-accept"] !== undefined || req.headers.accept?.includes("application/jsonl"))
    return null;
  let path: string;
  try {
    path = decodeURIComponent(rawPath);
  } catch {
    return null; // tRPC answers it (400 naming the path)
  }
  const procedure = Object.hasOwn(procedures, path) ? procedures[path] : undefined;
  const type = procedure?._def.type;
  if (!procedure || (method === "GET" ? type !== "query" : type !== "mutation")) return null;
  if (method === "POST" && (typeof req.body !== "string" || !isJson(req.headers["content-type"])))
    return null;
  const url = urlOf(req);
  if (!url || url.searchParams.get("batch") === "1" || url.searchParams.has("connectionParams")) return null;
  return { rawPath, path, procedure, url };
}

const isJson = (contentType: string | undefined) =>
  contentType?.toLowerCase().split(";", 1)[0]?.trim() === "application/json";

/** The request's URL as tRPC's adapter makes it (`createURL`), or null when it is not one. */
function urlOf(req: Request): URL | null {
  const host = req.headers.host ?? "localhost";
  const secure = req.socket && "encrypted" in req.socket && req.socket.encrypted;
  try {
    return new URL(req.url ?? "/", `${secure ? "https:" : "http:"}//${host}`);
  } catch {
    return null;
  }
}

/**
 * One call, as `resolveResponse` answers a request that is not batched: the context made first (a
 * failure is the call's error), the procedure called with a signal aborted when the client goes
 * away, `onError` told of a failure, the answer `{result: {data}}` or `{error: shape}` with the
 * status of its code, then `responseMeta`'s headers and status.
 */
async function answerOne<R extends AnyTRPCRouter>(opts: Call<R>, one: SingleCall): Promise<void> {
  const { req, res, router } = opts;
  const { path, procedure, url } = one;
  const config = router._def._config;
  const type = procedure._def.type;
  const abort = new AbortController();
  res.once("close", () => {
    if (!res.writableEnded) abort.abort();
  });
  let input: unknown;
  let reading: Promise<unknown> | undefined;
  const getRawInput = () => (reading ??= readInput(req, url, config).then((value) => (input = value)));
  const info: TRPCRequestInfo = {
    isBatchCall: false,
    accept: null,
    type,
    calls: [{ path, procedure, getRawInput, result: () => input, batchIndex: 0 }],
    connectionParams: null,
    signal: abort.signal,
    url,
  };
  let ctx: unknown;
  let body: { result: { data: unknown } } | { error: unknown };
  let error: TRPCError | undefined;
  try {
    ctx = await opts.createContext?.({ req, res, info });
  } catch (cause) {
    error = getTRPCErrorFromUnknown(cause);
  }
  try {
    if (error) throw error;
    const data = await procedure({ path, getRawInput, ctx, type, signal: abort.signal, batchIndex: 0 });
    body = { result: { data } };
  } catch (cause) {
    error = getTRPCErrorFromUnknown(cause);
    opts.onError?.({ error, path, input, ctx, type, req });
    body = { error: getTRPCErrorShape({ config, ctx, error, input, path, type }) };
  }
  if (!error && isDataStream((body as { result: { data: unknown } }).result.data)) {
    error = new TRPCError({
      code: "UNSUPPORTED_MEDIA_TYPE",
      message: "Cannot use stream-like response in non-streaming request - use httpBatchStreamLink",
    });
    opts.onError?.({ error, path: undefined, input: undefined, ctx, type, req });
    body = { error: getTRPCErrorShape({ config, ctx, error, input: undefined, path: undefined, type }) };
  }
  let status = getHTTPStatusCode(body as Parameters<typeof getHTTPStatusCode>[0]);
  res.setHeader("vary", "trpc-accept, accept");
  res.setHeader("content-type", "application/json");
  const meta = opts.responseMeta?.({
    ctx: ctx as never,
    info,
    paths: [path],
    type,
    data: [body as never],
    errors: error ? [error] : [],
    eagerGeneration: false,
  });
  if (meta?.headers) {
    const entries = meta.headers instanceof Headers ? meta.headers.entries() : Object.entries(meta.headers);
    for (const [key, value] of entries) {
      if (Array.isArray(value)) for (const v of value) res.appendHeader(key, v);
      else if (typeof value === "string") res.setHeader(key, value);
    }
  }
  if (meta?.status) status = meta.status;
  if (res.statusCode === 200) res.statusCode = status;
  res.end(JSON.stringify(transformTRPCResponse(config, body as never)));
}

/** The call's input as tRPC reads it: `?input=` of a GET, the JSON body of a POST; a bad one is a 400. */
async function readInput(req: Request, url: URL, config: AnyTRPCRouter["_def"]["_config"]): Promise<unknown> {
  try {
    let raw: unknown;
    if (req.method === "GET") {
      const query = url.searchParams.get("input");
      if (query) raw = JSON.parse(query);
    } else raw = JSON.parse(req.body as string);
    return raw === undefined ? undefined : config.transformer.input.deserialize(raw);
  } catch (cause) {
    if (cause instanceof TRPCError) throw cause;
    const message = cause instanceof Error ? cause.message : "Invalid input";
    throw new TRPCError({ code: "BAD_REQUEST", message, cause });
  }
}

/** tRPC's test of an answer it refuses to send unstreamed: an async iterable, or an object holding one or a promise. */
function isDataStream(v: unknown): boolean {
  if (!isObject(v)) return false;
  if (Symbol.asyncIterator in v) return true;
  return Object.values(v).some((x) => isPromise(x) || (isObject(x) && Symbol.asyncIterator in x));
}

const isPromise = (x: unknown) => {
  if (!isObject(x) && typeof x !== "function") return false;
  const { then, catch: fail } = x as { then?: unknown; catch?: unknown };
  return typeof then === "function" && typeof fail === "function";
};

const isObject = (v: unknown): v is Record<PropertyKey, unknown> =>
  !!v && !Array.isArray(v) && typeof v === "object";

/** Any other request, through tRPC's own `resolveResponse`. */
async function answerAny<R extends AnyTRPCRouter>(opts: Call<R>): Promise<void> {
  const { req, res } = opts;
  // The path as tRPC's standalone adapter takes it: from the URL parsed (dot segments resolved).
  opts.path = createURL(req).pathname.slice(opts.basePath.length);
  const request = incomingMessageToRequest(req, res, { maxBodySize: opts.maxBodySize ?? null });
  const response = await resolveResponse({
    ...opts,
    req: request,
    error: null,
    createContext: async (inner) => opts.createContext?.({ ...inner, req, res }),
    onError: (o) => opts.onError?.({ ...o, req }),
  });
  if (res.statusCode === 200) res.statusCode = response.status;
  for (const [key, value] of response.headers) if (key !== "set-cookie") res.setHeader(key, value);
  const cookies = response.headers.getSetCookie();
  if (cookies.length > 0) res.setHeader("set-cookie", cookies);
  if (!response.body) return void res.end();
  if (!streamed(response)) return void res.end(await response.text());
  try {
    await pipe(response.body, res, request.signal);
  } catch (err) {
    if (!(err instanceof Error && err.name === "AbortError")) {
      if (!res.headersSent) res.statusCode = 500;
      throw err;
    }
  } finally {
    res.end();
  }
}

/** A subscription's event stream, or a `jsonl` batch: written as it comes. */
const streamed = (response: Response) =>
  response.headers.has("transfer-encoding") || response.headers.get("content-type") === "text/event-stream";

/** Each chunk written as it comes (and flushed), waiting for the socket to drain when it is full. */
async function pipe(body: ReadableStream<Uint8Array>, res: ServerResponse, signal: AbortSignal) {
  const reader = body.getReader();
  const cancel = () => void reader.cancel(signal.reason).catch(() => undefined);
  signal.addEventListener("abort", cancel, { once: true });
  try {
    for (;;) {
      if (signal.aborted) return;
      const { done, value } = await reader.read();
      if (done) return;
      if (!res.write(value)) await drained(res);
      (res as ServerResponse & { flush?: () => void }).flush?.();
    }
  } finally {
    signal.removeEventListener("abort", cancel);
  }
}

function drained(res: ServerResponse): Promise<void> {
  return new Promise((resolve, reject) => {
    const done = () => {
      res.off("error", fail);
      res.off("drain", done);
      res.off("close", done);
      resolve();
    };
    const fail = (err: Error) => {
      done();
      reject(err);
    };
    res.once("error", fail);
    res.once("drain", done);
    res.once("close", done);
  });
}
