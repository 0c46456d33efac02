import { createReadStream, existsSync, readFileSync, statSync } from "node:fs";
import type { ServerResponse } from "node:http";
import { createServer, type Server } from "node:https";
import type { AddressInfo } from "node:net";
import type { PodWorker } from "./pod-worker";

/**
 * The part of the kubelet API the API server forwards to: `GET /containerLogs/{namespace}/{pod}/{container}`
 * (pods/log), with follow, tailLines, limitBytes and previous. HTTPS with a self-signed certificate;
 * the API server presents no client certificate unless started with --kubelet-client-certificate,
 * and this peer listens on 127.0.0.1 only, so requests are not authenticated.
 */
export async function startKubeletServer(
  tls: { key: string; cert: string },
  findPod: (namespace: string, name: string) => PodWorker | undefined,
): Promise<{ server: Server; port: number }> {
  const server = createServer(tls, (req, res) => {
    const url = new URL(req.url ?? "/", "https://127.0.0.1");
    if (req.method === "GET" && url.pathname === "/healthz") return void res.end("ok");
    const m = /^\/containerLogs\/([^/]+)\/([^/]+)\/([^/]+)$/.exec(url.pathname);
    if (req.method !== "GET" || !m)
      return fail(res, 404, `${req.method} ${url.pathname}: not served by the process kubelet`);
    const [namespace, podName, containerName] = m.slice(1).map(decodeURIComponent) as [
      string,
      string,
      string,
    ];
    const worker = findPod(namespace, podName);
    if (!worker) return fail(res, 404, `pod "${podName}" in namespace "${namespace}" is not on this node`);
    const c = worker.container(containerName);
    if (!c) return fail(res, 400, `container ${containerName} is not valid for pod ${podName}`);
    const previous = url.searchParams.get("previous") === "true";
    const path = previous ? c.previousLogPath : c.proc?.logPath;
    if (!path || !existsSync(path)) {
      const why = previous
        ? `previous terminated container "${containerName}" in pod "${podName}" not found`
        : `container "${containerName}" in pod "${podName}" is waiting to start: ${c.state.waiting?.reason ?? "ContainerCreating"}`;
      return fail(res, 400, why);
    }
    const follow = !previous && url.searchParams.get("follow") === "true";
    const tail = url.searchParams.get("tailLines");
    const limit = url.searchParams.get("limitBytes");
    const proc = c.proc!;
    res.writeHead(200, { "content-type": "text/plain" });
    let offset = tail === null ? 0 : tailOffset(path, Number(tail));
    let sent = 0;
    const max = limit === null ? Number.POSITIVE_INFINITY : Number(limit);
    const pump = async () => {
      for (;;) {
        const size = statSync(path).size;
        if (size > offset && sent < max) {
          const end = Math.min(size, offset + (max - sent)) - 1;
          await new Promise<void>((done) =>
            createReadStream(path, { start: offset, end })
              .on("end", () => done())
              .on("error", () => done())
              .pipe(res, { end: false }),
          );
          sent += end + 1 - offset;
          offset = end + 1;
        }
        // Following ends with the container's run, once all it wrote has gone out.
        const finished = !follow || sent >= max || (proc.ended && statSync(path).size <= offset);
        if (finished || res.destroyed) return res.end();
        await new Promise((r) => setTimeout(r, 100));
      }
    };
    void pump();
  });
  await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
  return { server, port: (server.address() as AddressInfo).port };
}

function fail(res: ServerResponse, status: number, message: string): void {
  res.writeHead(status, { "content-type": "text/plain" });
  res.end(message);
}

/** Where the last `lines` lines of the file start (the whole file is read: test output is small). */
function tailOffset(path: string, lines: number): number {
  const text = readFileSync(path);
  if (lines <= 0) return text.length;
  let seen = 0;
  for (let i = text.length - 1; i >= 0; i--) {
    // A final newline ends the last line; it does not start another.
    if (text[i] === 0x0a && i !== text.length - 1 && ++seen === lines) return i + 1;
  }
  return 0;
}
