import type { IncomingMessage } from "node:http";
import { z } from "zod";
import { BadJson, BodyTooLarge, ClientAbort } from "./http-errors";
import { assertJsonDepth, MAX_JSON_DEPTH } from "./json-depth";

/**
 * The one body-size setting of the data plane, in MiB: the API, the executors, the vDAG
 * controllers, the instances and the function replicas all refuse a larger body with a 413 that
 * names it. The agent passes its own value to every workload it starts.
 */
export const MAX_BODY_ENV = "AIOS_MAX_BODY_MB";
export const DEFAULT_MAX_BODY_MB = 16;
/** The `AIOS_MAX_BODY_MB` field of an env schema (a whole number of MiB, default 16). */
export const ZMaxBodyMbEnv = z.coerce.number().int().positive().default(DEFAULT_MAX_BODY_MB);

/** How much of a body a route reads, and the setting that says so (named in the 413). */
export interface BodyLimit {
  /** Bytes; past them the body is refused with BodyTooLarge. */
  limit: number;
  setting?: string;
}

/** The data plane's limit for `AIOS_MAX_BODY_MB` = `mb`. */
export const dataPlaneBodyLimit = (mb: number): BodyLimit => ({ limit: mb * 2 ** 20, setting: MAX_BODY_ENV });

const limitOf = (limit: number | BodyLimit): BodyLimit => (typeof limit === "number" ? { limit } : limit);

/**
 * The whole request body, refused with BodyTooLarge past the limit: at once when Content-Length
 * says so, else as soon as the bytes read pass it. The rest is left unread (and discarded), never
 * a destroyed socket: the server answers 413 first (`sendBody` adds `connection: close`), so the
 * client reads the answer instead of a reset. A client that goes away mid-body is a ClientAbort.
 */
export function readBody(req: IncomingMessage, limit: number | BodyLimit): Promise<Buffer> {
  const { limit: max, setting } = limitOf(limit);
  if (Number(req.headers["content-length"]) > max) return Promise.reject(new BodyTooLarge(max, setting));
  if (req.destroyed && !req.complete) return Promise.reject(new ClientAbort());
  return new Promise((resolve, reject) => {
    let size = 0;
    const chunks: Buffer[] = [];
    const stop = () => req.off("data", onData).off("end", onEnd).off("error", onAbort).off("close", onClose);
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size <= max) return void chunks.push(chunk);
      stop();
      chunks.length = 0;
      reject(new BodyTooLarge(max, setting));
    };
    const onEnd = () => {
      stop();
      resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks));
    };
    const onAbort = () => {
      stop();
      reject(new ClientAbort());
    };
    const onClose = () => {
      if (!req.complete) onAbort();
    };
    req.on("data", onData).on("end", onEnd).on("error", onAbort).on("close", onClose);
  });
}

/**
 * JSON text of a body as a value: BadJson when it is empty or not JSON, JsonTooDeep when it nests
 * deeper than `maxDepth` (checked before parsing, without recursion).
 */
export function parseJsonBody(text: string, maxDepth = MAX_JSON_DEPTH): unknown {
  if (text.trim() === "") throw new BadJson();
  assertJsonDepth(text, maxDepth);
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new BadJson((err as Error).message);
  }
}

/** The request body as JSON, after its size and depth are checked; each refusal names what was wrong. */
export async function readJson(
  req: IncomingMessage,
  opts: number | (BodyLimit & { maxDepth?: number }),
): Promise<unknown> {
  const text = (await readBody(req, opts)).toString("utf8");
  return parseJsonBody(text, typeof opts === "number" ? undefined : opts.maxDepth);
}
