import { createServer, type Server } from "node:http";
import { publicProcedure, router } from "@aios/api/trpc";
import { findFreePort } from "@aios/service-kit";
import { createTRPCClient, httpLink } from "@trpc/client";
import { createHTTPHandler } from "@trpc/server/adapters/standalone";
import { measure, round, type Scenario } from "../measure";

const MAX_RATIO = 3;

/**
 * A trivial query through the API's own tRPC stack (its procedure builder, error mapping and the
 * typed client) against the same JSON answered by bare node:http: what the API layer costs a call.
 */
export const apiTrpcQuery: Scenario = {
  name: "api.trpc-query",
  description:
    "trivial tRPC query (typed client -> API procedure stack) vs the same JSON over bare node:http",
  async run() {
    const payload = { ok: true, at: "2026-01-01T00:00:00.000Z" };
    const benchRouter = router({ ping: publicProcedure.query(() => payload) });
    const trpcHandler = createHTTPHandler({
      router: benchRouter,
      basePath: "/trpc/",
      createContext: () => ({ services: undefined as never, log: undefined as never, principal: null }),
    });
    const trpcServer = createServer((req, res) => trpcHandler(req, res));
    const bareServer = createServer((_req, res) => {
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify({ result: { data: payload } }));
    });
    try {
      const [trpcPort, barePort] = [await listen(trpcServer), await listen(bareServer)];
      const client = createTRPCClient<typeof benchRouter>({
        links: [httpLink({ url: `http://127.0.0.1:${trpcPort}/trpc` })],
      });
      const opts = { n: 3000, warmup: 300 };
      const baseline = await measure(
        () => fetch(`http://127.0.0.1:${barePort}/`).then((r) => r.json()),
        opts,
      );
      const measured = await measure(() => client.ping.query(), opts);
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
      for (const server of [trpcServer, bareServer]) {
        server.closeAllConnections();
        server.close();
      }
    }
  },
};

async function listen(server: Server): Promise<number> {
  const port = await findFreePort();
  await new Promise<void>((r) => server.listen(port, "127.0.0.1", r));
  return port;
}
