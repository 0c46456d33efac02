import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { fieldIssues, formatIssue, QUALITY_DELIVERY_HEADER, type TQualitySample } from "@aios/contracts";
import { ZodError } from "zod";
import { type ApiHarness, rejection } from "./harness";

/** The field issues a refused call names, as `path: message` (what the HTTP client is told). */
export async function issuesOf(call: Promise<unknown>): Promise<string[]> {
  const err = await rejection(call);
  if (!(err.cause instanceof ZodError)) return [err.message];
  return fieldIssues(err.cause, "(input)").map(formatIssue);
}

interface Received {
  at: number;
  headers: IncomingHttpHeaders;
  body: string;
}

/**
 * A webhook receiver on a real socket (127.0.0.1): answers each delivery with `statuses` in turn
 * (then 200); `headers` are sent with every answer.
 */
export async function webhookReceiver(statuses: number[], headers: Record<string, string> = {}) {
  const received: Received[] = [];
  const seen = new Map<string, number>();
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      received.push({ at: Date.now(), headers: req.headers, body: Buffer.concat(chunks).toString("utf8") });
      const id = String(req.headers[QUALITY_DELIVERY_HEADER]);
      const n = seen.get(id) ?? 0;
      seen.set(id, n + 1);
      res.writeHead(statuses[n] ?? 200, headers).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const port = (server.address() as AddressInfo).port;
  const url = `http://127.0.0.1:${port}/qa`;
  return { url, port, received, seen, close: () => new Promise<void>((r) => server.close(() => r())) };
}

/**
 * Makes vDAGs (each with its running controller on `clusterId`) whose qualityChecker has
 * `webhook`, stored as they are: no check at creation, as a vDAG made before a setting changed.
 */
export function vdagsWithWebhooks(api: ApiHarness, prefix: string, clusterId: string) {
  let n = 0;
  return async (webhook: object | null) => {
    n += 1;
    const vdagURI = `${prefix}-${n}:1.0.0-stable`;
    const controllerId = `vdc-${prefix}${String(n).padStart(6, "0")}`;
    const qualityChecker = { enabled: true, framesInterval: 1, ...(webhook && { webhook }) };
    await api.database.db.vdag.create({
      data: {
        vdagURI,
        vdagName: `${prefix}-${n}`,
        version: "1.0.0",
        releaseTag: "stable",
        status: "active",
        doc: { controller: { qualityChecker } },
      },
    });
    await api.database.db.vdagController.create({
      data: { id: controllerId, vdagURI, clusterId, status: "running", url: "http://127.0.0.1:9" },
    });
    return { vdagURI, controllerId };
  };
}

/** A quality sample of task `taskId` as a controller reports it; `route` sends it on. */
export const qualitySample = (taskId: string, route?: "webhook" | "manual"): TQualitySample => ({
  taskId,
  at: Date.now(),
  passed: false,
  score: 0.2,
  reason: "too short",
  ...(route && {
    route,
    input: { session_id: "s", seq_no: 1, data: { text: `question ${taskId}` }, ts: 0 },
    output: { session_id: "s", seq_no: 1, data: { text: "no" }, ts: 0 },
  }),
});
