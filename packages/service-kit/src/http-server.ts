import type { IncomingMessage, ServerResponse } from "node:http";

/** A request body over the limit `readBody` was given (answer 413). */
export class BodyTooLarge extends Error {}

/** The whole request body; rejects with BodyTooLarge past `limit` bytes (and drops the connection). */
export function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        reject(new BodyTooLarge(`request body over ${limit} bytes`));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on("end", () => resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

/** JSON text as a value; undefined when it is not JSON (no JSON text parses to undefined). */
export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** A whole answer with its length: `body` as is, JSON unless `contentType` says otherwise. */
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
): void {
  sendJson(res, status, { error: { message, stage, ...extra } });
}
