import { OperationalError } from "./errors";

/** node-postgres, libpq and Prisma's codes of a database that cannot be reached or went away. */
const CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ETIMEDOUT",
  "EPIPE",
  "EHOSTUNREACH",
  "ENOTFOUND",
  // SQLSTATE class 08 (connection exception), 57P01-03 (the server shutting down or starting).
  "08000",
  "08001",
  "08003",
  "08004",
  "08006",
  "57P01",
  "57P02",
  "57P03",
  // Prisma: cannot reach the server, it closed the connection, no connection from the pool in time.
  "P1001",
  "P1017",
  "P2024",
]);
const MESSAGES =
  /DatabaseNotReachable|Can't reach database server|Connection terminated|the database system is (starting up|shutting down)|terminating connection due to administrator command|Client has encountered a connection error/i;

/**
 * The error as a 503 naming the database when it says the database is unreachable (down,
 * restarting, the connection cut), else null. Looks through `cause` chains: Prisma wraps its
 * adapter's error, which wraps node-postgres'.
 */
export function databaseUnreachable(err: unknown): OperationalError | null {
  for (let e = err, depth = 0; e && typeof e === "object" && depth < 6; depth++) {
    const { code, message, cause } = e as { code?: unknown; message?: unknown; cause?: unknown };
    if (
      (typeof code === "string" && CODES.has(code)) ||
      (typeof message === "string" && MESSAGES.test(message))
    ) {
      const what = typeof code === "string" ? code : "its connection failed";
      return new OperationalError(`the database (PostgreSQL) is unreachable (${what}); try again shortly`);
    }
    e = cause;
  }
  return null;
}
