import { randomBytes } from "node:crypto";

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

/** A new trace's `traceparent` (sampled), for work that started without one. */
export const newTraceparent = () =>
  `00-${randomBytes(16).toString("hex")}-${randomBytes(8).toString("hex")}-01`;

/** The trace id (32 hex digits) of a `traceparent`. */
export const traceIdOf = (traceparent: string) => traceparent.slice(3, 35);
