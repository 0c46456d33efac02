import type { ServerResponse } from "node:http";

/** JSON text as a value; undefined when it is not JSON (for answers read from another process). */
export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/**
 * A whole answer with its length: `body` as is, JSON unless `contentType` says otherwise. A 413
 * closes the connection after it: the rest of the body was left unread, and reading it is not worth it.
 */
export function sendBody(
  res: ServerResponse,
  status: number,
  body: Buffer | string,
  contentType = "application/json",
  extraHeaders: Record<string, string> = {},
): void {
  res.writeHead(status, {
    "content-type": contentType,
    "content-length": Buffer.byteLength(body),
    ...(status === 413 ? { connection: "close" } : {}),
    ...extraHeaders,
  });
  res.end(body);
}

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  sendBody(res, status, JSON.stringify(body));
}

/** The error answer of AIOS's runtimes: `{error: {message, stage, ...extra}}`. */
export function sendError(
  res: ServerResponse,
  status: number,
  stage: string,
  message: string,
  extra: Record<string, unknown> = {},
  headers: Record<string, string> = {},
): void {
  sendBody(res, status, JSON.stringify({ error: { message, stage, ...extra } }), undefined, headers);
}
