import { BadPathSegment } from "./http-errors";

/** A route's parameters (`:name` segments), percent-decoded. */
export type RouteParams = Record<string, string>;

/**
 * What a route table says of a request: its handler and parameters; or, when the path is known
 * but not for this method, the methods it takes (405); or null (404).
 */
export type RouteMatch<H> = { handler: H; params: RouteParams } | { allowed: string[] } | null;

interface CompiledRoute<H> {
  method: string;
  /** Literal segments as written, parameters as `:name`. */
  segments: string[];
  /** Literal before parameter, segment by segment: the most specific route sorts first. */
  rank: string;
  handler: H;
}

/**
 * A route table: keys are `"<METHOD> /path/:param"`; a `:name` segment matches one non-empty
 * segment. Returns a matcher over a method and a URL (its query is ignored). Where two routes fit,
 * the one with a literal segment earlier wins (`POST /quota/mgmt` before `POST /quota/:session`).
 * A parameter with a malformed percent-escape or a NUL throws BadPathSegment (400) naming it.
 */
export function routes<H>(table: Record<string, H>): (method: string, url: string) => RouteMatch<H> {
  const compiled: CompiledRoute<H>[] = [];
  const shapes = new Set<string>();
  for (const [key, handler] of Object.entries(table)) {
    const match = /^([A-Z]+) (\/\S*)$/.exec(key);
    if (!match) throw new Error(`route ${JSON.stringify(key)} is not "<METHOD> /path"`);
    const [, method, path] = match as unknown as [string, string, string];
    const segments = path.split("/").slice(1);
    const rank = segments.map((s) => (s.startsWith(":") ? "1" : "0")).join("");
    const shape = `${method} ${segments.map((s) => (s.startsWith(":") ? ":" : s)).join("/")}`;
    if (shapes.has(shape)) throw new Error(`route ${key} repeats another route of the table`);
    shapes.add(shape);
    compiled.push({ method, segments, rank, handler });
  }
  compiled.sort((a, b) => (a.rank < b.rank ? -1 : a.rank > b.rank ? 1 : 0));

  return (method, url) => {
    const path = url.split("?", 1)[0] ?? "";
    if (!path.startsWith("/")) return null;
    const parts = path.split("/").slice(1);
    const allowed = new Set<string>();
    for (const route of compiled) {
      const raw = matchSegments(route.segments, parts);
      if (!raw) continue;
      if (route.method !== method) {
        allowed.add(route.method);
        continue;
      }
      const params: RouteParams = {};
      for (const [name, value] of Object.entries(raw)) params[name] = decodePathSegment(value, name);
      return { handler: route.handler, params };
    }
    return allowed.size > 0 ? { allowed: [...allowed].sort() } : null;
  };
}

function matchSegments(pattern: string[], parts: string[]): Record<string, string> | null {
  if (pattern.length !== parts.length) return null;
  const raw: Record<string, string> = {};
  for (const [i, segment] of pattern.entries()) {
    const part = parts[i] ?? "";
    if (segment.startsWith(":")) {
      if (part === "") return null;
      raw[segment.slice(1)] = part;
    } else if (segment !== part) return null;
  }
  return raw;
}

/**
 * One percent-encoded path segment, decoded. A malformed escape (`%E0%A4%A`) or a NUL (`%00`) is
 * the client's mistake: BadPathSegment (400) naming the parameter and the segment as sent.
 */
export function decodePathSegment(raw: string, name: string): string {
  let decoded: string;
  try {
    decoded = decodeURIComponent(raw);
  } catch {
    throw new BadPathSegment(name, raw, "has a malformed percent-escape");
  }
  if (decoded.includes("\0")) throw new BadPathSegment(name, raw, "contains a NUL character (%00)");
  return decoded;
}

/** What to answer a request no route takes: 404, or 405 with `allow` when the path takes other methods. */
export interface RouteMiss {
  status: 404 | 405;
  message: string;
  headers: Record<string, string>;
}

export function routeMiss(method: string, url: string, allowed?: readonly string[]): RouteMiss {
  const path = url.split("?", 1)[0] ?? "";
  if (!allowed || allowed.length === 0)
    return { status: 404, message: `no route ${method} ${path}`, headers: {} };
  return {
    status: 405,
    message: `${method} ${path} is not allowed; it takes ${allowed.join(", ")}`,
    headers: { allow: allowed.join(", ") },
  };
}
