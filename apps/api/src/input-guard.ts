import type { IncomingMessage, ServerResponse } from "node:http";
import { type InputWalk, unsafeInputIssue } from "@aios/contracts";
import { BodyTooLarge, dataPlaneBodyLimit, readBody } from "@aios/service-kit";
import { TRPC_ERROR_CODES_BY_KEY } from "@trpc/server/rpc";
import { UserError } from "./errors";

/**
 * What the API takes in before any service sees it: every tRPC input and every data-plane body is
 * refused (400 naming the field and the reason) when it holds what no store can take: a NUL or a
 * lone surrogate in a string or key (PostgreSQL refuses both), or nesting past MAX_INPUT_DEPTH
 * (recursive code behind it, Prisma's serialiser among it, would overflow its stack). And the
 * management plane reads a body only up to the one body limit of every hop, `AIOS_MAX_BODY_MB`.
 */
export function assertStorableInput(value: unknown, walk?: InputWalk): void {
  const issue = unsafeInputIssue(value, walk);
  if (issue) throw UserError.fromIssues([issue]);
}

/**
 * tRPC middleware (`publicProcedure.use(guardInput)`): the raw input checked before the procedure's
 * own parser, its role check or any database access. A refusal is a UserError, so the error mapping
 * answers BAD_REQUEST with the field's issue.
 */
export async function guardInput<R>(opts: { getRawInput: () => Promise<unknown>; next: () => Promise<R> }) {
  assertStorableInput(await opts.getRawInput());
  return opts.next();
}

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

/**
 * The tRPC handler behind the body limit: a POST's body is read by service-kit's reader (refused
 * with 413 naming the limit and `AIOS_MAX_BODY_MB` as soon as it passes it, before the connection
 * closes) and handed to tRPC as text, which tRPC then parses instead of reading the socket itself.
 */
export function withBodyLimit(trpc: Handler, maxBodyMb: number): Handler {
  const limit = dataPlaneBodyLimit(maxBodyMb);
  return (req, res) => {
    if (req.method !== "POST") return trpc(req, res);
    readBody(req, limit).then(
      (body) => {
        (req as IncomingMessage & { body?: string }).body = body.toString("utf8");
        trpc(req, res);
      },
      (err) => {
        if (!(err instanceof BodyTooLarge)) return void res.destroy(); // the client went away
        const message = `(body): is larger than ${maxBodyMb} MiB, the most the API reads (${err.setting})`;
        sendTrpcError(req, res, 413, "PAYLOAD_TOO_LARGE", message);
      },
    );
  };
}

/** An error in tRPC's own shape (one per call of a batch), so tRPC clients read its message. */
function sendTrpcError(
  req: IncomingMessage,
  res: ServerResponse,
  httpStatus: number,
  code: keyof typeof TRPC_ERROR_CODES_BY_KEY,
  message: string,
) {
  const url = new URL(req.url ?? "/", "http://api");
  const raw = url.pathname.replace(/^\/trpc\//, "");
  let paths: string[];
  try {
    paths = decodeURIComponent(raw).split(",");
  } catch {
    paths = raw.split(",");
  }
  const errorOf = (path: string) => ({
    error: { message, code: TRPC_ERROR_CODES_BY_KEY[code], data: { code, httpStatus, path } },
  });
  const body = url.searchParams.get("batch") === "1" ? paths.map(errorOf) : errorOf(paths[0] ?? "");
  res.writeHead(httpStatus, { "content-type": "application/json", connection: "close" });
  res.end(JSON.stringify(body));
}
