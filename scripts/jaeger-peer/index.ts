/** A real Jaeger (v2, in memory) for tests of what the API exports over OTLP (testpeers/jaeger/README.md). */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildJaeger, builtJaeger, configTemplate, type JaegerBuild } from "./peer-build";
import {
  freePort,
  logTail,
  type PeerProcess,
  reapOrphanedPeers,
  runDirPrefix,
  startProcess,
  stopProcess,
} from "./process";

export { buildCommand, buildJaeger, builtJaeger, type JaegerBuild, pinnedVersion } from "./peer-build";

/** A key and value as the query API shows them (`type` is "string", "bool", "int64", "float64" or "binary"). */
export interface JaegerKeyValue {
  key: string;
  type?: string;
  value: unknown;
}

/** A span as the query API (`/api/traces…`, Jaeger's UI model) shows it; times in microseconds. */
export interface JaegerSpan {
  traceID: string;
  spanID: string;
  operationName: string;
  references: { refType: "CHILD_OF" | "FOLLOWS_FROM"; traceID: string; spanID: string }[];
  startTime: number;
  duration: number;
  tags: JaegerKeyValue[];
  logs: { timestamp: number; fields: JaegerKeyValue[] }[];
  processID: string;
  warnings: string[] | null;
}

/** A trace as the query API shows it: its spans and the processes (services) they came from. */
export interface JaegerTrace {
  traceID: string;
  spans: JaegerSpan[];
  processes: Record<string, { serviceName: string; tags: JaegerKeyValue[] }>;
  warnings: string[] | null;
}

export interface FindTracesOptions {
  /** Only spans of this operation (span name). */
  operation?: string;
  /** At most this many traces; 20 by default. */
  limit?: number;
  /** How far back, as the API takes it ("1h", "2d"); 1 h by default. */
  lookback?: string;
}

export interface JaegerPeer {
  /** Where OTLP/HTTP goes: `http://127.0.0.1:<port>`; traces are POSTed to `${otlpHttpUrl}/v1/traces`. */
  otlpHttpUrl: string;
  /** The query API and UI: `http://127.0.0.1:<port>` (`/api/traces/<id>`, `/api/services`, `/api/traces?service=…`). */
  queryUrl: string;
  /** The process id of `jaeger` (the leader of its own process group). */
  pid: number;
  /** The run's folder: config.yaml, jaeger.log. Removed by stop(). */
  dir: string;
  /** The trace of that id (32 hex digits), or null while Jaeger has none. */
  trace(traceId: string): Promise<JaegerTrace | null>;
  /** The names of the services Jaeger has spans of. */
  services(): Promise<string[]>;
  /** The recent traces of a service. */
  findTraces(service: string, opts?: FindTracesOptions): Promise<JaegerTrace[]>;
  /** The end of Jaeger's log, for a failing test's message. */
  logTail(lines?: number): string;
  /** Ends Jaeger (SIGTERM, SIGKILL after 10 s) and removes the run's folder. */
  stop(): Promise<void>;
}

let build: Promise<JaegerBuild> | undefined;

/**
 * The built peer. On a machine where it is not built yet (a fresh checkout) it is built here, so a
 * test needs no step before it; that takes minutes (testpeers/jaeger/README.md), so give the hook
 * that starts it a generous timeout.
 */
export function jaegerBuild(): Promise<JaegerBuild> {
  build ??= builtJaeger()
    .catch(() => buildJaeger((line) => console.log(line)))
    .catch((e: unknown) => {
      build = undefined; // the next test tries again, after the cause has perhaps been fixed
      throw new Error(
        `The Jaeger test peer could not be built: ${e instanceof Error ? e.message : String(e)}`,
      );
    });
  return build;
}

/**
 * Starts a Jaeger of its own on free ports of 127.0.0.1, its traces in memory, and returns once its
 * query API answers (about a second). Builds the binary first when it is missing.
 */
export async function startJaeger(opts: { timeoutMs?: number } = {}): Promise<JaegerPeer> {
  const { bin } = await jaegerBuild();
  reapOrphanedPeers();
  const dir = mkdtempSync(join(tmpdir(), runDirPrefix));
  try {
    const [otlpPort, queryPort] = await twoFreePorts();
    const configPath = join(dir, "config.yaml");
    writeFileSync(
      configPath,
      fillConfig(readFileSync(configTemplate, "utf8"), {
        JAEGER_PEER_OTLP_HTTP_ENDPOINT: `127.0.0.1:${otlpPort}`,
        JAEGER_PEER_QUERY_HTTP_ENDPOINT: `127.0.0.1:${queryPort}`,
      }),
    );
    const p = startProcess(bin, ["--config", `file:${configPath}`], dir);
    const queryUrl = `http://127.0.0.1:${queryPort}`;
    const otlpHttpUrl = `http://127.0.0.1:${otlpPort}`;
    const peer = makePeer(p, dir, otlpHttpUrl, queryUrl);
    try {
      await waitUntilReady(p, queryUrl, otlpHttpUrl, opts.timeoutMs ?? 30_000);
    } catch (e) {
      await peer.stop();
      throw e;
    }
    return peer;
  } catch (e) {
    rmSync(dir, { recursive: true, force: true });
    throw e;
  }
}

function makePeer(p: PeerProcess, dir: string, otlpHttpUrl: string, queryUrl: string): JaegerPeer {
  const api = async <T>(path: string): Promise<{ status: number; body: T | null }> => {
    const res = await fetch(`${queryUrl}${path}`, { signal: AbortSignal.timeout(10_000) });
    const text = await res.text();
    if (res.status === 404) return { status: 404, body: null };
    if (!res.ok) throw new Error(`Jaeger: GET ${path} answered ${res.status}: ${text.slice(0, 500)}`);
    return { status: res.status, body: JSON.parse(text) as T };
  };
  let stopping: Promise<void> | undefined;
  return {
    otlpHttpUrl,
    queryUrl,
    pid: p.pid,
    dir,
    async trace(traceId) {
      if (!/^[0-9a-f]{32}$/i.test(traceId)) throw new Error(`not a trace id (32 hex digits): ${traceId}`);
      const { body } = await api<{ data: JaegerTrace[] | null }>(`/api/traces/${traceId.toLowerCase()}`);
      return body?.data?.[0] ?? null;
    },
    async services() {
      const { body } = await api<{ data: string[] | null }>("/api/services");
      return body?.data ?? [];
    },
    async findTraces(service, o = {}) {
      const query = new URLSearchParams({
        service,
        limit: String(o.limit ?? 20),
        lookback: o.lookback ?? "1h",
      });
      if (o.operation !== undefined) query.set("operation", o.operation);
      const { body } = await api<{ data: JaegerTrace[] | null }>(`/api/traces?${query}`);
      return body?.data ?? [];
    },
    logTail: (lines) => logTail(p, lines),
    stop() {
      stopping ??= stopProcess(p).then(() => rmSync(dir, { recursive: true, force: true }));
      return stopping;
    },
  };
}

/** Puts each `${env:NAME}` of the template in place; a name not given is an error, not an empty string. */
export function fillConfig(template: string, values: Record<string, string>): string {
  return template.replace(/\$\{env:([A-Za-z0-9_]+)\}/g, (_, name: string) => {
    const value = values[name];
    if (value === undefined) throw new Error(`testpeers/jaeger/config.yaml: no value for \${env:${name}}`);
    return value;
  });
}

async function twoFreePorts(): Promise<[number, number]> {
  const first = await freePort();
  for (;;) {
    const second = await freePort();
    if (second !== first) return [first, second];
  }
}

/** Until the query API answers and the OTLP receiver accepts connections; early, with the log, if Jaeger ends. */
async function waitUntilReady(p: PeerProcess, queryUrl: string, otlpHttpUrl: string, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  let ended: string | undefined;
  void p.exited.then((how) => {
    ended = how;
  });
  let lastError = "";
  while (Date.now() < deadline) {
    if (ended)
      throw new Error(
        `jaeger ended (${ended}) before its query API answered; the end of ${p.logPath}:\n${logTail(p)}`,
      );
    try {
      const services = await fetch(`${queryUrl}/api/services`, { signal: AbortSignal.timeout(2_000) });
      await services.body?.cancel();
      // The receiver starts after the extensions: a GET of /v1/traces answers 405 once it listens.
      const otlp = await fetch(`${otlpHttpUrl}/v1/traces`, { signal: AbortSignal.timeout(2_000) });
      await otlp.body?.cancel();
      if (services.ok) return;
      lastError = `GET /api/services answered ${services.status}`;
    } catch (e) {
      lastError = e instanceof Error ? e.message : String(e);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(
    `jaeger's query API did not answer within ${timeoutMs / 1000} s (last: ${lastError}); the end of ${p.logPath}:\n${logTail(p)}`,
  );
}
