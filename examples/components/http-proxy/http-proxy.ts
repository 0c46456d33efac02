import http from "node:http";
import https from "node:https";
import { defineComponent, InstanceError } from "@aios/instance-sdk";
import { checkTarget, guardedLookup, TargetRefused } from "./target";

const DEFAULT_TIMEOUT_MS = 10_000;
const MAX_RESPONSE_BYTES = 16 * 1024 * 1024;

interface ProxyState {
  url: URL;
  allowPrivate: boolean;
  timeoutMs: number;
  agents: { http: http.Agent; https: https.Agent };
}

/**
 * Third-party block, externally managed: each task's data goes as a JSON POST (or PUT) to
 * parameters.url and the upstream's JSON answer is the output (a non-object answer comes back as
 * `{result}`). The URL is checked at init and on setParameters (see target.ts); initSettings:
 * timeoutMs per request, allowPrivateTargets. Upstream errors fail the task at stage infer with the
 * upstream's status; unreachable -> 502, too slow -> 504.
 */
export default defineComponent({
  async init({ parameters, initSettings }): Promise<ProxyState> {
    const allowPrivate = initSettings.allowPrivateTargets === true;
    return {
      url: await checkUrl(parameters.url, allowPrivate),
      allowPrivate,
      timeoutMs: Number(initSettings.timeoutMs ?? DEFAULT_TIMEOUT_MS),
      agents: { http: new http.Agent({ keepAlive: true }), https: new https.Agent({ keepAlive: true }) },
    };
  },

  async onUpdate(parameters, { state }) {
    state.url = await checkUrl(parameters.url, state.allowPrivate);
  },

  async infer(input, { parameters, state }) {
    const method = parameters.method === "PUT" ? "PUT" : "POST";
    const { status, text } = await send(
      state,
      method,
      stringHeaders(parameters.headers),
      JSON.stringify(input),
    );
    if (status < 200 || status >= 300)
      throw new InstanceError(
        status >= 400 ? status : 502,
        `upstream answered ${status}: ${text.slice(0, 300)}`,
      );
    if (text.trim() === "") return {};
    let answer: unknown;
    try {
      answer = JSON.parse(text);
    } catch {
      throw new InstanceError(
        502,
        `upstream answered ${status} with a body that is not JSON: ${text.slice(0, 100)}`,
      );
    }
    return typeof answer === "object" && answer !== null && !Array.isArray(answer)
      ? (answer as Record<string, unknown>)
      : { result: answer };
  },
});

async function checkUrl(url: unknown, allowPrivate: boolean): Promise<URL> {
  try {
    return await checkTarget(url, allowPrivate);
  } catch (e) {
    const issues = [{ path: "parameters.url", message: (e as Error).message }];
    throw new InstanceError(422, (e as Error).message, { stage: "request", issues });
  }
}

function stringHeaders(value: unknown): Record<string, string> {
  if (typeof value !== "object" || value === null) return {};
  return Object.fromEntries(
    Object.entries(value).filter((e): e is [string, string] => typeof e[1] === "string"),
  );
}

function send(state: ProxyState, method: string, headers: Record<string, string>, body: string) {
  const https_ = state.url.protocol === "https:";
  return new Promise<{ status: number; text: string }>((resolve, reject) => {
    const req = (https_ ? https : http).request(
      state.url,
      {
        method,
        headers: {
          ...headers,
          "content-type": "application/json",
          "content-length": Buffer.byteLength(body),
        },
        agent: https_ ? state.agents.https : state.agents.http,
        signal: AbortSignal.timeout(state.timeoutMs),
        ...(state.allowPrivate ? {} : { lookup: guardedLookup }),
      },
      (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on("data", (chunk: Buffer) => {
          size += chunk.length;
          if (size > MAX_RESPONSE_BYTES)
            req.destroy(new Error(`answer larger than ${MAX_RESPONSE_BYTES} bytes`));
          else chunks.push(chunk);
        });
        res.on("end", () =>
          resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString("utf8") }),
        );
        res.on("error", reject);
      },
    );
    req.on("error", reject);
    req.end(body);
  }).catch((e: Error) => {
    if (e.name === "AbortError" || e.name === "TimeoutError")
      throw new InstanceError(504, `upstream did not answer within ${state.timeoutMs} ms`);
    if (e instanceof TargetRefused) throw new InstanceError(502, `upstream address refused: ${e.message}`);
    const code = (e as NodeJS.ErrnoException).code;
    throw new InstanceError(502, `upstream unreachable: ${code ?? e.message}`);
  });
}
