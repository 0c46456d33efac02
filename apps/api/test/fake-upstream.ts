import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";

/**
 * A stand-in for a vDAG controller or a block executor: records each request (its body and its
 * `authorization` header), answers with its data.
 */
export function fakeUpstream(path: string) {
  const received: Array<{ at: number; body: Record<string, unknown>; authorization?: string }> = [];
  const server: Server = createServer(async (req, res) => {
    const body = JSON.parse(await text(req)) as Record<string, unknown>;
    const { authorization } = req.headers;
    received.push({ at: Date.now(), body, ...(authorization ? { authorization } : {}) });
    // Answer a little later, so a task stored as of its answer would show up as created after it.
    await new Promise((r) => setTimeout(r, 25));
    res.writeHead(req.url === path ? 200 : 404, { "content-type": "application/json" });
    const packet = (body.packet ?? { session_id: "s", seq_no: 0, data: body.data, ts: Date.now() }) as object;
    res.end(JSON.stringify({ packet, outputs: {}, trace: [] }));
  });
  return {
    received,
    server,
    listen: () =>
      new Promise<string>((resolve) =>
        server.listen(0, "127.0.0.1", () =>
          resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`),
        ),
      ),
  };
}

async function text(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}
