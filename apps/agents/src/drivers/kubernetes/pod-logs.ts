import { HttpMethod, RequestContext } from "@kubernetes/client-node";
import { type Dispatcher, fetch } from "undici";
import type { KubeApi } from "./kube-api";
import { CONTAINER } from "./pod-spec";

const KEPT_LINES = 1000;

/**
 * A pod's output as it prints it, through the API server (`pods/log?follow=true`): the last lines
 * kept in memory for `logs()`, each line also handed to `onLine`. A stream that ends while the pod
 * still runs is followed again (from a second back, so a line may repeat rather than be lost).
 */
export class PodLogs {
  private readonly lines: string[] = [];
  private partial = "";
  private abort: AbortController | null = null;
  private stopped = false;
  private since: number | null = null;
  private heard!: () => void;
  /** Resolves at the first output read (or when the first stream ends without any). */
  private readonly firstOutput = new Promise<void>((r) => {
    this.heard = r;
  });

  /** Lines handed on since the container started (with `fromStart`: its whole output so far). */
  private pushed = 0;

  /**
   * `fromStart`: follow from the container's first line (a job's), not its last KEPT_LINES.
   * `container`: whose output (the workload's, or one of its init containers or side-cars).
   */
  constructor(
    private readonly api: KubeApi,
    private readonly namespace: string,
    private readonly pod: string,
    private readonly onLine?: (line: string) => void,
    private readonly fromStart = false,
    private readonly container = CONTAINER,
  ) {}

  follow(stillRuns: () => boolean): void {
    if (this.stopped || this.abort) return;
    const abort = new AbortController();
    this.abort = abort;
    const query: Record<string, string> =
      this.since === null
        ? this.fromStart
          ? {}
          : { tailLines: String(KEPT_LINES) }
        : { sinceSeconds: String(Math.max(1, Math.ceil((Date.now() - this.since) / 1000))) };
    this.since = Date.now();
    void this.stream(query, abort.signal).then(
      () => this.streamEnded(abort, stillRuns, 500),
      () => this.streamEnded(abort, stillRuns, 1000),
    );
  }

  /** `pods/log?follow=true` read line by line until it ends, fails or is aborted. */
  private async stream(query: Record<string, string>, signal: AbortSignal): Promise<void> {
    const cluster = this.api.kc.getCurrentCluster();
    if (!cluster) throw new Error("the kubeconfig names no current cluster");
    const url = new URL(`${cluster.server}/api/v1/namespaces/${this.namespace}/pods/${this.pod}/log`);
    for (const [k, v] of Object.entries({ container: this.container, follow: "true", ...query }))
      url.searchParams.set(k, v);
    const ctx = new RequestContext(url.toString(), HttpMethod.GET);
    await this.api.kc.applySecurityAuthentication(ctx);
    const res = await fetch(url, {
      headers: ctx.getHeaders(),
      dispatcher: ctx.getDispatcher() as Dispatcher | undefined,
      signal,
    });
    if (res.status !== 200 || !res.body) {
      await res.body?.cancel();
      throw new Error(`the log of pod ${this.pod}: HTTP ${res.status}`);
    }
    const decoder = new TextDecoder();
    for await (const chunk of res.body) this.take(decoder.decode(chunk, { stream: true }));
  }

  /** Waits (at most `ms`) for the output the workload printed so far to come in. */
  caughtUp(ms: number): Promise<void> {
    return Promise.race([this.firstOutput, new Promise<void>((r) => setTimeout(r, ms).unref())]);
  }

  /**
   * A stream ended: the container ended (its status may not have reached the pod's cache yet, so
   * that is asked again after a moment), or the connection did, and the output is followed again.
   */
  private streamEnded(abort: AbortController, stillRuns: () => boolean, retryMs: number): void {
    this.heard();
    if (this.abort === abort) this.abort = null;
    if (this.stopped || !stillRuns()) return;
    setTimeout(() => {
      if (!this.stopped && stillRuns()) this.follow(stillRuns);
    }, retryMs).unref();
  }

  /** The last `limit` lines, oldest first. */
  tail(limit = 200): string[] {
    return this.lines.slice(-limit);
  }

  /** Reads the last lines once (a pod that ended before its stream started). */
  async fetchTail(limit: number): Promise<string[]> {
    try {
      const text = await this.api.core.readNamespacedPodLog({
        name: this.pod,
        namespace: this.namespace,
        container: this.container,
        tailLines: limit,
      });
      const lines = String(text)
        .split("\n")
        .filter((l) => l.trim() !== "");
      return lines.length > 0 ? lines : this.tail(limit);
    } catch {
      return this.tail(limit);
    }
  }

  /**
   * Stops following and reads the container's whole output once, handing on the lines the stream
   * had not: every line of a job, also one that ended before its stream began. With `fromStart`.
   */
  async finish(): Promise<void> {
    this.stopped = true;
    this.abort?.abort();
    this.partial = ""; // it comes whole from the read below
    try {
      const text = await this.api.core.readNamespacedPodLog({
        name: this.pod,
        namespace: this.namespace,
        container: this.container,
      });
      const lines = String(text)
        .split("\n")
        .filter((l) => l.trim() !== "");
      for (const line of lines.slice(this.pushed)) this.push(line);
    } catch {
      // The pod is gone: what the stream brought is all there is.
    }
  }

  stop(): void {
    this.stopped = true;
    this.abort?.abort();
    if (this.partial) this.push(this.partial);
    this.partial = "";
  }

  private take(text: string): void {
    this.heard();
    const parts = (this.partial + text).split("\n");
    this.partial = parts.pop() ?? "";
    for (const line of parts) if (line.trim() !== "") this.push(line);
  }

  private push(line: string): void {
    this.pushed++;
    this.lines.push(line);
    if (this.lines.length > KEPT_LINES) this.lines.splice(0, this.lines.length - KEPT_LINES);
    this.onLine?.(line);
  }
}
