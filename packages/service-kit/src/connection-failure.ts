/**
 * How a request to another process failed before any answer came, from the error's code:
 * - `refused`: nothing listens there (the process is gone);
 * - `unreachable`: no route to the host, or its name does not resolve;
 * - `timeout`: the connection could not be made in time;
 * - `reset`: a connection was made, then closed under the request (a reused keep-alive socket the
 *   other side had closed, or a crash).
 * The first three never reached the other side, so the request may go elsewhere and the target is
 * down; a `reset` may be a stale socket, worth one more try at once.
 */
export type ConnectionFailure = "refused" | "unreachable" | "timeout" | "reset";

const FAILURES: Record<string, ConnectionFailure> = {
  ECONNREFUSED: "refused",
  EHOSTUNREACH: "unreachable",
  ENETUNREACH: "unreachable",
  ENOTFOUND: "unreachable",
  EAI_AGAIN: "unreachable",
  UND_ERR_CONNECT_TIMEOUT: "timeout",
  ECONNRESET: "reset",
  EPIPE: "reset",
  UND_ERR_SOCKET: "reset",
  UND_ERR_CLOSED: "reset",
  UND_ERR_DESTROYED: "reset",
};

/** The error and what it wraps: its `cause` chain and an AggregateError's `errors`, each once. */
function* chainOf(err: unknown): Generator<{ code?: unknown }> {
  const seen = new Set<unknown>();
  const queue = [err];
  while (queue.length > 0 && seen.size < 16) {
    const e = queue.shift();
    if (e === null || typeof e !== "object" || seen.has(e)) continue;
    seen.add(e);
    yield e as { code?: unknown };
    const { cause, errors } = e as { cause?: unknown; errors?: unknown };
    queue.push(cause);
    if (Array.isArray(errors)) queue.push(...errors);
  }
}

/** The first error code along the error and what it wraps (undici puts the socket's in `cause`). */
export function errorCode(err: unknown): string | undefined {
  for (const e of chainOf(err)) if (typeof e.code === "string") return e.code;
  return undefined;
}

/** Whether, and how, the error is a connection that failed (see ConnectionFailure); null otherwise. */
export function connectionFailure(err: unknown): ConnectionFailure | null {
  for (const e of chainOf(err)) {
    const failure = typeof e.code === "string" ? FAILURES[e.code] : undefined;
    if (failure) return failure;
  }
  return null;
}

/** A failure that never reached the other side: it is down, or not there (not a stale socket). */
export const neverConnected = (failure: ConnectionFailure | null): boolean =>
  failure !== null && failure !== "reset";
