import type { IncomingMessage, ServerResponse } from "node:http";

export class BodyTooLarge extends Error {}

/** The whole request body; rejects with BodyTooLarge past `limit` bytes. */
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

export function sendText(
  res: ServerResponse,
  status: number,
  text: string,
  contentType = "application/json",
  extra?: Record<string, string>,
): void {
  res.writeHead(status, {
    "content-type": contentType,
    "content-length": Buffer.byteLength(text),
    ...extra,
  });
  res.end(text);
}

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  sendText(res, status, JSON.stringify(body));
}

export function sendError(res: ServerResponse, status: number, stage: string, message: string, extra = {}) {
  sendJson(res, status, { error: { message, stage, ...extra } });
}

/** Zod issues as `{path, message}` and as one line naming the fields. */
export function issuesOf(error: { issues: { path: PropertyKey[]; message: string }[] }) {
  const issues = error.issues.map((i) => ({
    path: i.path.map(String).join(".") || "(body)",
    message: i.message,
  }));
  return { issues, text: issues.map((i) => `${i.path}: ${i.message}`).join("; ") };
}

/** JSON.parse that answers undefined instead of throwing. */
export function tryParse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
