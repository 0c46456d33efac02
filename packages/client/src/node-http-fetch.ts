import { request as httpRequest, type IncomingHttpHeaders } from "node:http";
import { request as httpsRequest } from "node:https";

/** What the CLI's API calls read of a response (a subset of fetch's Response). */
export interface NodeHttpResponse {
  readonly ok: boolean;
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  text(): Promise<string>;
  json(): Promise<unknown>;
}

interface RequestOptions {
  method?: string;
  headers?: unknown;
  body?: unknown;
  signal?: AbortSignal | null;
}

/**
 * fetch over node:http and node:https, for a process that makes a call or two and exits (the CLI):
 * Node's own fetch loads and compiles its HTTP client (undici, llhttp in WebAssembly) on first use,
 * about 60 ms of a 150 ms `aios get`. It covers what tRPC's httpLink sends: a method, headers, a
 * string or byte body, an abort signal; no redirects. A request that cannot be sent rejects as
 * fetch does, with a TypeError "fetch failed" whose cause is the system error.
 */
export function nodeHttpFetch(
  input: string | URL | { url: string },
  init: RequestOptions = {},
): Promise<NodeHttpResponse> {
  const url = new URL(typeof input === "object" && "url" in input ? input.url : input);
  const body = bodyOf(init.body);
  const send = url.protocol === "https:" ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    if (init.signal?.aborted) return reject(init.signal.reason);
    const req = send(url, { method: init.method ?? "GET", headers: headersOf(init.headers) }, (res) => {
      const chunks: Buffer[] = [];
      const text = new Promise<string>((done, fail) => {
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => done(Buffer.concat(chunks).toString("utf8")));
        res.on("error", fail);
      });
      const status = res.statusCode ?? 0;
      resolve({
        ok: status >= 200 && status < 300,
        status,
        headers: res.headers,
        text: () => text,
        json: async () => JSON.parse(await text),
      });
    });
    const abort = () => req.destroy(init.signal?.reason);
    init.signal?.addEventListener("abort", abort, { once: true });
    req.on("close", () => init.signal?.removeEventListener("abort", abort));
    req.on("error", (err) =>
      reject(init.signal?.aborted ? err : new TypeError("fetch failed", { cause: err })),
    );
    req.end(body);
  });
}

function headersOf(headers: unknown): Record<string, string> {
  if (headers === undefined || headers === null) return {};
  const entries =
    typeof headers === "object" && Symbol.iterator in headers
      ? [...(headers as Iterable<[string, string]>)]
      : Object.entries(headers as Record<string, string>);
  return Object.fromEntries(entries);
}

function bodyOf(body: unknown): string | Uint8Array | undefined {
  if (body === undefined || body === null) return undefined;
  if (typeof body === "string" || body instanceof Uint8Array) return body;
  throw new TypeError(
    `nodeHttpFetch sends a string or bytes as the body, not ${Object.prototype.toString.call(body)}`,
  );
}
