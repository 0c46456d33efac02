import { randomFillSync } from "node:crypto";

/** The W3C trace-context header a request carries its trace in. */
export const TRACEPARENT = "traceparent";

const TRACEPARENT_RE = /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;
const ZERO_TRACE = "0".repeat(32);
const ZERO_SPAN = "0".repeat(16);

/** The header's value when it is a valid version-00 `traceparent` (not all-zero ids), else null. */
export function validTraceparent(value: unknown): string | null {
  if (typeof value !== "string") return null;
  const match = TRACEPARENT_RE.exec(value);
  if (!match || match[1] === ZERO_TRACE || match[2] === ZERO_SPAN) return null;
  return value;
}

/**
 * Random bytes for the ids, drawn from a pool filled POOL bytes at a time, as `randomUUID` does:
 * two `randomBytes` calls a trace were two system calls, about 0.01 ms of a request's CPU.
 */
const POOL = 24 * 256;
let pool = Buffer.alloc(0);
let at = POOL;

/** A new trace's `traceparent` (sampled), for work that started without one. */
export function newTraceparent(): string {
  for (;;) {
    if (at + 24 > pool.length) {
      pool = randomFillSync(Buffer.allocUnsafe(POOL));
      at = 0;
    }
    const trace = pool.toString("hex", at, at + 16);
    const span = pool.toString("hex", at + 16, at + 24);
    at += 24;
    // All-zero ids are invalid (W3C trace context): one in 2^64 draws, drawn again.
    if (trace !== ZERO_TRACE && span !== ZERO_SPAN) return `00-${trace}-${span}-01`;
  }
}

/** The trace id (32 hex digits) of a `traceparent`. */
export const traceIdOf = (traceparent: string) => traceparent.slice(3, 35);
