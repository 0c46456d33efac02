import { request } from "node:https";

/** Where and as whom the peer's components and helpers reach an HTTPS endpoint of the peer. */
export interface Endpoint {
  url: string;
  /** PEM bundle to trust; none: the endpoint's self-signed certificate is not checked (health probes only). */
  ca?: string;
  token?: string;
}

/** One HTTPS request to the peer (127.0.0.1 only), JSON in and out. */
export function call(
  endpoint: Endpoint,
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; json: unknown; text: string }> {
  const url = new URL(path, endpoint.url);
  if (url.hostname !== "127.0.0.1")
    throw new Error(`the Kubernetes test peer is on 127.0.0.1, not ${url.hostname}`);
  return new Promise((done, fail) => {
    const req = request(
      url,
      {
        method,
        ca: endpoint.ca,
        rejectUnauthorized: endpoint.ca !== undefined,
        headers: {
          accept: "application/json",
          ...(endpoint.token ? { authorization: `Bearer ${endpoint.token}` } : {}),
          ...(body === undefined ? {} : { "content-type": "application/json" }),
        },
        timeout: 10_000,
      },
      (res) => {
        let text = "";
        res.setEncoding("utf8");
        res.on("data", (chunk: string) => {
          text += chunk;
        });
        res.on("end", () => {
          let json: unknown;
          try {
            json = JSON.parse(text);
          } catch {
            json = undefined;
          }
          done({ status: res.statusCode ?? 0, json, text });
        });
      },
    );
    req.on("timeout", () => req.destroy(new Error(`${method} ${url} timed out`)));
    req.on("error", fail);
    req.end(body === undefined ? undefined : JSON.stringify(body));
  });
}
