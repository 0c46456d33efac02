import { createServer, type Server } from "node:http";
import { createApiServer } from "@aios/api/server";
import { createServices } from "@aios/api/services";
import { createApiClient } from "@aios/client";
import { createTestDatabase, startTestServer, type TestDatabase, type TestServer } from "@aios/db/testing";
import { connectQueueBackend, type QueueBackend } from "@aios/queue";
import { createLogger, findFreePort } from "@aios/service-kit";
import { measure, round, type Scenario } from "../measure";
import { measureInTurns } from "../process-start";

const MAX_RATIO = 1.5;
const OPTS = { n: 3000, warmup: 300 };

/**
 * What the API's tRPC layer costs a call: `health.ping` (a query that touches nothing) through the
 * API's real HTTP server as `main.ts` builds it (`createApiServer` over `createServices`, its own
 * PostgreSQL, AIOS_AUTH=token): the route table, the body limit, the API's tRPC adapter,
 * `createContext`, the procedure stack (error mapping, input guard), the answer's shape and status.
 * Both sides are called with the same client (Node's fetch, keep-alive, the same bearer token), in
 * turns, so the ratio is the server's: the bare side is node:http answering the same JSON. Beside
 * the table: the same call from the typed client every Node caller uses (`createApiClient`, whose
 * own cost is on the caller's side), and `auth.whoami`, a call that needs the caller's token.
 */
export const apiTrpcQuery: Scenario = {
  name: "api.trpc-query",
  description:
    "health.ping through the API's real server (real services on its own PostgreSQL, token mode) vs the same JSON from bare node:http, both with fetch",
  async run() {
    const api = await startApi();
    const bareServer = createServer((_req, res) => {
      const body = JSON.stringify({ result: { data: { ok: true, at: new Date().toISOString() } } });
      res.writeHead(200, { "content-type": "application/json" });
      res.end(body);
    });
    try {
      const barePort = await listen(bareServer);
      const headers = { authorization: `Bearer ${api.token}` };
      const get = (url: string) => () =>
        fetch(url, { headers }).then((r) =>
          r.ok ? r.json() : Promise.reject(new Error(`${url}: ${r.status}`)),
        );
      const { measured, baseline } = await measureInTurns(
        get(`${api.url}/trpc/health.ping`),
        get(`http://127.0.0.1:${barePort}/trpc/health.ping`),
        OPTS,
      );
      const client = createApiClient({ url: api.url, token: api.token });
      const typed = await measure(() => client.health.ping.query(), OPTS);
      const whoami = await measure(() => client.auth.whoami.query(), { n: 1000, warmup: 100 });
      process.stderr.write(
        `  typed client -> health.ping: p50 ${typed.p50_ms} ms (${round(typed.p50_ms / baseline.p50_ms)}x the bare fetch)\n` +
          `  typed client -> auth.whoami (the token looked up, its name read): p50 ${whoami.p50_ms} ms\n`,
      );
      const ratio = round(measured.p50_ms / baseline.p50_ms);
      return {
        scenario: this.name,
        measured,
        baseline: { name: "fetch -> bare node:http", ...baseline },
        ratio,
        target: `tRPC p50 within ${MAX_RATIO}x of bare node:http`,
        met: ratio <= MAX_RATIO,
      };
    } finally {
      bareServer.closeAllConnections();
      bareServer.close();
      await api.stop();
    }
  },
};

/** The API's HTTP server with real services on a fresh database (queues in PostgreSQL), token mode. */
async function startApi(): Promise<{ url: string; token: string; stop: () => Promise<void> }> {
  let pg: TestServer | undefined;
  let database: TestDatabase | undefined;
  let queues: QueueBackend | undefined;
  let server: Server | undefined;
  const stop = async () => {
    server?.closeAllConnections();
    server?.close();
    await queues?.close();
    await database?.drop();
    await pg?.stop();
  };
  try {
    pg = await startTestServer();
    database = await createTestDatabase(pg.adminUrl, "aios_bench");
    queues = connectQueueBackend({ kind: "postgres", url: database.url });
    const log = createLogger({ service: "api-bench" }, { level: "warn" });
    const services = createServices({
      db: database.db,
      queues,
      log,
      config: { auth: "token", agentStaleSeconds: 30 },
    });
    const { token } = await services.tokens.issue({ name: "bench viewer", role: "viewer" });
    server = createApiServer({ services, log, webOrigin: "http://127.0.0.1:1" });
    return { url: `http://127.0.0.1:${await listen(server)}`, token, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

async function listen(server: Server): Promise<number> {
  const port = await findFreePort();
  await new Promise<void>((r) => server.listen(port, "127.0.0.1", r));
  return port;
}
