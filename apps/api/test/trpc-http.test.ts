import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { createLogger, findFreePort } from "@aios/service-kit";
import { TRPCError } from "@trpc/server";
import { createHTTPHandler } from "@trpc/server/adapters/standalone";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import type { Principal } from "../src/auth/principal";
import { QuotaExceededError, UserError } from "../src/errors";
import { withBodyLimit } from "../src/input-guard";
import {
  adminProcedure,
  anonymousProcedure,
  onlyAnonymousCalls,
  publicProcedure,
  router,
  viewerProcedure,
} from "../src/trpc";
import { createTrpcHandler } from "../src/trpc-http";

// The API's tRPC adapter (src/trpc-http.ts) answers one call itself and the rest through tRPC's
// `resolveResponse`: every request below must be answered exactly as tRPC's standalone adapter
// answers it (status, the headers a client reads, the body), with the same errors logged.

const testRouter = router({
  ping: anonymousProcedure.query(() => ({ ok: true })),
  who: publicProcedure.query(({ ctx }) => ({ role: ctx.principal?.role ?? null })),
  double: viewerProcedure.input(z.object({ n: z.number().int() })).query(({ input }) => input.n * 2),
  admin: adminProcedure.query(() => "secret"),
  greet: publicProcedure
    .input(z.object({ name: z.string() }))
    .mutation(({ input }) => ({ hello: input.name })),
  echo: publicProcedure.input(z.unknown()).query(({ input }) => input ?? null),
  userError: publicProcedure.query(() => {
    throw UserError.field("x", "x is bad");
  }),
  boom: publicProcedure.query(() => {
    throw new Error("kaput");
  }),
  limited: publicProcedure.query(() => {
    throw new QuotaExceededError("too many dry runs", 7);
  }),
  later: publicProcedure.query(() => ({ value: Promise.resolve(1) })),
  ticks: publicProcedure.subscription(async function* () {
    yield 1;
  }),
});

const PRINCIPALS: Record<string, Principal> = {
  "Bearer viewer": { role: "viewer", scope: null, tokenId: "t-viewer" },
  "Bearer admin": { role: "admin", scope: null, tokenId: "t-admin" },
};

function serve(adapter: "stock" | "api") {
  const lookups: string[] = [];
  const errors: string[] = [];
  const log = createLogger({ service: "trpc-http-test" }, { level: "error" });
  const opts = {
    router: testRouter,
    basePath: "/trpc/",
    createContext: async ({
      req,
      info,
    }: {
      req: IncomingMessage;
      info: Parameters<typeof onlyAnonymousCalls>[0];
    }) => {
      const authorization = req.headers.authorization ?? "";
      if (!onlyAnonymousCalls(info)) lookups.push(authorization);
      if (authorization === "Bearer down" && !onlyAnonymousCalls(info))
        throw new TRPCError({ code: "SERVICE_UNAVAILABLE", message: "the database is unreachable" });
      return {
        services: undefined as never,
        log: { ...log, error: () => undefined },
        principal: onlyAnonymousCalls(info) ? null : (PRINCIPALS[authorization] ?? null),
      };
    },
    responseMeta: ({ errors: errs }: { errors: TRPCError[] }) => {
      const waits = errs.flatMap((e) =>
        e.cause instanceof QuotaExceededError && e.cause.retryAfterSeconds !== undefined
          ? [e.cause.retryAfterSeconds]
          : [],
      );
      return waits.length ? { headers: { "retry-after": String(Math.max(...waits)) } } : {};
    },
    onError: ({ error, path }: { error: TRPCError; path?: string }) => errors.push(`${path}: ${error.code}`),
  };
  const handler = adapter === "stock" ? createHTTPHandler(opts) : createTrpcHandler(opts);
  const limited = withBodyLimit(handler as (req: IncomingMessage, res: ServerResponse) => void, 1);
  return { server: createServer((req, res) => limited(req, res)), lookups, errors };
}

interface Ask {
  method?: string;
  path: string;
  auth?: string;
  headers?: Record<string, string>;
  body?: string;
}

const input = (v: unknown) => `input=${encodeURIComponent(JSON.stringify(v))}`;
const json = { "content-type": "application/json" };
const ASKS: Ask[] = [
  { path: "ping" },
  { path: "ping", auth: "Bearer down" },
  { path: "who" },
  { path: "who", auth: "Bearer viewer" },
  { path: "who", auth: "Bearer down" },
  { path: `double?${input({ n: 21 })}`, auth: "Bearer viewer" },
  { path: `double?${input({ n: 21 })}` },
  { path: `double?${input({ n: "x" })}`, auth: "Bearer viewer" },
  { path: "double?input=%7Bbad", auth: "Bearer viewer" },
  { path: "double", auth: "Bearer viewer" },
  { path: "admin", auth: "Bearer viewer" },
  { path: "admin", auth: "Bearer admin" },
  { method: "POST", path: "greet", headers: json, body: JSON.stringify({ name: "ana" }) },
  {
    method: "POST",
    path: "greet",
    headers: { "content-type": "Application/JSON; charset=utf-8" },
    body: '{"name":"b"}',
  },
  { method: "POST", path: "greet", headers: json, body: "{not json" },
  { method: "POST", path: "greet", headers: json, body: "" },
  { method: "POST", path: "greet", headers: { "content-type": "text/plain" }, body: '{"name":"c"}' },
  { method: "POST", path: "greet", body: '{"name":"d"}' },
  { path: `greet?${input({ name: "e" })}` },
  { method: "POST", path: "ping", headers: json, body: "{}" },
  { path: "nope" },
  { path: "%E0%A4%A" },
  { path: `echo?${input({ a: "x\u0000y" })}` },
  { path: `echo?${input([1, "two", { three: 3 }])}` },
  { path: "echo?input=" },
  { path: "userError" },
  { path: "boom" },
  { path: "limited" },
  { path: "later" },
  { path: `ping,who?batch=1&${input({})}`, auth: "Bearer viewer" },
  {
    path: `double?${input({ n: 1 })}`,
    auth: "Bearer viewer",
    headers: { "trpc-accept": "application/jsonl" },
  },
  { method: "PUT", path: "ping" },
  { method: "HEAD", path: "ping" },
];

async function ask(base: string, a: Ask) {
  const res = await fetch(`${base}/trpc/${a.path}`, {
    method: a.method ?? "GET",
    headers: { ...a.headers, ...(a.auth ? { authorization: a.auth } : {}) },
    ...(a.body !== undefined ? { body: a.body } : {}),
  });
  const text = (await res.text()).replace(/ref [\w-]+/g, "ref <ref>");
  const header = (name: string) => res.headers.get(name);
  return {
    status: res.status,
    headers: [header("content-type"), header("vary"), header("retry-after")],
    body: text ? JSON.parse(text) : text,
  };
}

describe("the API's tRPC adapter", () => {
  const stock = serve("stock");
  const api = serve("api");
  const bases: string[] = [];
  beforeAll(async () => {
    for (const s of [stock.server, api.server]) {
      const port = await findFreePort();
      await new Promise<void>((r) => s.listen(port, "127.0.0.1", r));
      bases.push(`http://127.0.0.1:${port}`);
    }
  });
  afterAll(() => {
    for (const s of [stock.server, api.server] as Server[]) {
      s.closeAllConnections();
      s.close();
    }
  });

  it.each(ASKS.map((a) => [`${a.method ?? "GET"} ${a.path} ${a.auth ?? ""} ${a.body ?? ""}`, a] as const))(
    "answers %s as tRPC's standalone adapter does",
    async (_, a) => {
      const [want, got] = [await ask(bases[0] ?? "", a), await ask(bases[1] ?? "", a)];
      expect(got).toEqual(want);
    },
  );

  it("logs the same errors, and looks the caller up only for calls that read it", () => {
    expect(api.errors).toEqual(stock.errors);
    expect(api.lookups).toEqual(stock.lookups);
    expect(api.lookups.filter((l) => l === "Bearer down")).toHaveLength(1);
  });

  it("streams a subscription's events as tRPC does", async () => {
    const events = await Promise.all(
      bases.map(async (base) => {
        const res = await fetch(`${base}/trpc/ticks`, { headers: { accept: "text/event-stream" } });
        const text = await res.text();
        return [res.status, res.headers.get("content-type"), text.match(/^data: .*$/gm)];
      }),
    );
    expect(events[1]).toEqual(events[0]);
    expect(events[0]?.[2]).toContain("data: 1");
  });
});
