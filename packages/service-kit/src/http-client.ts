import { Agent, type Dispatcher, request } from "undici";

/** What a JSON call sends: the method (GET by default), its headers and a body already serialised. */
export interface JsonCall {
  method?: Dispatcher.HttpMethod;
  headers?: Record<string, string>;
  body?: string;
}

/**
 * The connections of `fetchJson`: kept alive between calls (an agent asks each of its workloads
 * every second), a connection attempt given up after 3 s.
 */
const calls = new Agent({ connect: { timeout: 3_000 } });

/**
 * A JSON answer, waited for `timeoutMs` (default 3 s) for its head and as long between parts of
 * its body; throws on a status other than 2xx, naming the method, URL, status and body. Over
 * undici's `request`: global `fetch` cost about 4 times the CPU a call (its WHATWG request,
 * response and streams, an abort signal and timer per call), which an agent polling each of its
 * workloads every second paid for each of them.
 */
export async function fetchJson<T>(url: string, init: JsonCall = {}, timeoutMs = 3_000): Promise<T> {
  const method = init.method ?? "GET";
  const res = await request(url, {
    dispatcher: calls,
    method,
    ...(init.headers ? { headers: init.headers } : {}),
    ...(init.body !== undefined ? { body: init.body } : {}),
    headersTimeout: timeoutMs,
    bodyTimeout: timeoutMs,
  });
  if (res.statusCode < 200 || res.statusCode >= 300)
    throw new Error(`${method} ${url}: HTTP ${res.statusCode} ${await res.body.text()}`);
  return (await res.body.json()) as T;
}
