import { spawn } from "node:child_process";
import { request as httpRequest } from "node:http";
import { request as httpsRequest } from "node:https";
import { connect } from "node:net";
import type { V1Container, V1Probe } from "@kubernetes/client-node";

/**
 * A container probe as the kubelet runs it: first after initialDelaySeconds, then every
 * periodSeconds, each try bounded by timeoutSeconds; the result flips to success after
 * successThreshold successes in a row and to failure after failureThreshold failures in a row.
 */
export interface ProbeTarget {
  podIP: string;
  container: V1Container;
  env: Record<string, string>;
  cwd: string;
}

export class ProbeLoop {
  private timer?: NodeJS.Timeout;
  private successes = 0;
  private failures = 0;
  private stopped = false;
  result: boolean;

  constructor(
    private readonly probe: V1Probe,
    private readonly target: ProbeTarget,
    initial: boolean,
    private readonly onChange: (result: boolean) => void,
  ) {
    this.result = initial;
    this.schedule((probe.initialDelaySeconds ?? 0) * 1000);
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
  }

  private schedule(ms: number): void {
    if (!this.stopped) this.timer = setTimeout(() => void this.tick(), ms);
  }

  private async tick(): Promise<void> {
    const ok = await runProbe(this.probe, this.target).catch(() => false);
    if (this.stopped) return;
    if (ok) {
      this.successes++;
      this.failures = 0;
    } else {
      this.failures++;
      this.successes = 0;
    }
    const next =
      !this.result && ok && this.successes >= (this.probe.successThreshold ?? 1)
        ? true
        : this.result && !ok && this.failures >= (this.probe.failureThreshold ?? 3)
          ? false
          : this.result;
    if (next !== this.result) {
      this.result = next;
      this.onChange(next);
    }
    this.schedule((this.probe.periodSeconds ?? 10) * 1000);
  }
}

/** Probes reach the pod's own loopback address only (the project's tests stay on 127.0.0.0/8). */
function probeHost(host: string | undefined, podIP: string): string {
  const h = host ?? podIP;
  if (!/^127\.\d+\.\d+\.\d+$/.test(h)) throw new Error(`probe host ${h} is not on 127.0.0.0/8`);
  return h;
}

function resolvePort(port: number | string | object, c: V1Container): number {
  if (typeof port === "number") return port;
  const named = c.ports?.find((p) => p.name === port);
  if (named) return named.containerPort;
  if (/^\d+$/.test(String(port))) return Number(port);
  throw new Error(`probe port "${String(port)}" names no port of container ${c.name}`);
}

function runProbe(probe: V1Probe, t: ProbeTarget): Promise<boolean> {
  const timeoutMs = (probe.timeoutSeconds ?? 1) * 1000;
  if (probe.httpGet) {
    const g = probe.httpGet;
    const request = g.scheme === "HTTPS" ? httpsRequest : httpRequest;
    return new Promise((done) => {
      const req = request(
        {
          host: probeHost(g.host, t.podIP),
          port: resolvePort(g.port, t.container),
          path: g.path ?? "/",
          headers: Object.fromEntries((g.httpHeaders ?? []).map((h) => [h.name, h.value])),
          timeout: timeoutMs,
          rejectUnauthorized: false,
        },
        (res) => {
          res.resume();
          const status = res.statusCode ?? 0;
          done(status >= 200 && status < 400);
        },
      );
      req.on("timeout", () => req.destroy());
      req.on("error", () => done(false));
      req.end();
    });
  }
  if (probe.tcpSocket) {
    const s = probe.tcpSocket;
    return new Promise((done) => {
      const socket = connect({ host: probeHost(s.host, t.podIP), port: resolvePort(s.port, t.container) });
      socket.setTimeout(timeoutMs, () => {
        socket.destroy();
        done(false);
      });
      socket.once("connect", () => {
        socket.destroy();
        done(true);
      });
      socket.once("error", () => done(false));
    });
  }
  if (probe.exec?.command?.length) {
    const [cmd, ...args] = probe.exec.command;
    return new Promise((done) => {
      const child = spawn(cmd!, args, { cwd: t.cwd, env: t.env, stdio: "ignore", timeout: timeoutMs });
      child.once("error", () => done(false));
      child.once("exit", (code) => done(code === 0));
    });
  }
  return Promise.reject(
    new Error(`container ${t.container.name}: a probe with no httpGet, tcpSocket or exec`),
  );
}
