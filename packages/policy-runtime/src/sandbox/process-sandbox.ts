import { type ChildProcess, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import type { Socket } from "node:net";
import { fileURLToPath, pathToFileURL } from "node:url";
import { FrameReader } from "./frame-channel";
import type { FreshOutcome, SessionMethod, SessionOutcome, SessionSpec } from "./isolate-session";
import { type ChildRequest, type ChildRequestBody, decodeReply, encodeRequest } from "./process-protocol";

/** `sh -c` script: the soft address-space limit back to the hard one, then Node in the shell's place. */
const LIFT_ADDRESS_SPACE = 'ulimit -S -v "$(ulimit -H -v)" 2>/dev/null; exec "$0" "$@"';

let softLimit: boolean | null = null;
/** This process runs under a soft address-space limit below its hard one (Linux; read once). */
function softAddressSpaceLimit(): boolean {
  if (softLimit === null) {
    const line = (() => {
      try {
        return readFileSync("/proc/self/limits", "utf8")
          .split("\n")
          .find((l) => l.startsWith("Max address space"));
      } catch {
        return undefined;
      }
    })();
    const [soft, hard] = line?.slice("Max address space".length).trim().split(/\s+/) ?? [];
    softLimit = soft !== undefined && soft !== "unlimited" && soft !== hard;
  }
  return softLimit;
}

import type { SessionPort } from "./session-port";

/** A reply without its id: one answer, or init's and the method's (`initFirst`). */
type Answer = { out: SessionOutcome } | FreshOutcome;

interface Pending {
  resolve: (answer: Answer) => void;
  /** Sends the request again to a new process: it had not started when the old one died. */
  retry: () => void;
  memoryMb: number;
}

const OOM_OUTPUT =
  /heap out of memory|is_heap_oom|Reached heap limit|CALL_AND_RETRY_LAST|Ineffective mark-compacts/;
/** The sandbox child's file beside a bundled runtime; `bundle.mjs` writes it under this name. */
const SANDBOX_CHILD_BUNDLE = "policy-sandbox-child.mjs";
const STATE_LOST = "the sandbox process was restarted and the state of every policy in it was lost";

/**
 * One child process holding many policy isolates. When it dies, the call it was running fails
 * (kind "memory" when V8 ran out of heap), the calls queued behind it go to a new process, and each
 * policy is rebuilt there with its last init on its next call (its state starts over).
 */
/** How the sandbox child is started: by default with this process's environment and user. */
export interface SandboxProcessOptions {
  /** Its whole environment (a host that runs other people's policies gives it none of its secrets). */
  env?: Record<string, string>;
  /** Run it as this user and group (the host must be allowed to: root). */
  uid?: number;
  gid?: number;
}

export class SandboxProcess {
  constructor(private readonly options: SandboxProcessOptions = {}) {}

  private child: ChildProcess | null = null;
  /** The child's fd 3: frames both ways (frame-channel.ts). */
  private channel: Socket | null = null;
  private generation = 0;
  private nextId = 1;
  private nextSid = 1;
  private readonly pending = new Map<number, Pending>();
  /** Requests made in this turn of the event loop, written together when it ends. */
  private outbox: Buffer[] = [];
  private stderrTail = "";

  openSession(spec: SessionSpec): SessionPort {
    return new ProcessPort(this, this.nextSid++, spec);
  }

  /** Starts the child if needed; a new generation means its sessions must be reopened. */
  prepare(): number {
    this.ensureChild();
    return this.generation;
  }

  request(body: ChildRequestBody, memoryMb: number, retry: () => void): Promise<Answer> {
    const child = this.ensureChild();
    const id = this.nextId++;
    return new Promise((resolve) => {
      this.pending.set(id, { resolve, retry, memoryMb });
      setRef(child, this.channel, true);
      this.post({ ...body, id } as ChildRequest);
    });
  }

  /**
   * A message that needs no answer (a session closed). A child already gone (stopped, crashed)
   * holds nothing to close: the message is dropped, never thrown as a broken pipe.
   */
  notify(body: ChildRequestBody): void {
    if (!this.channel?.writable) return;
    this.post({ ...body, id: this.nextId++ } as ChildRequest);
  }

  /**
   * Requests made together (the calls of a placement batch, say) cross in one write: one wake-up
   * of the child instead of one each. The child runs them in order and answers each as soon as it
   * has run, so a crash still fails only the request that was running.
   */
  private post(request: ChildRequest): void {
    this.outbox.push(encodeRequest(request));
    if (this.outbox.length === 1) process.nextTick(() => this.flush());
  }

  private flush(): void {
    const frames = this.outbox;
    this.outbox = [];
    const channel = this.channel;
    if (frames.length === 0 || !channel?.writable) return;
    channel.write(frames.length === 1 ? (frames[0] as Buffer) : Buffer.concat(frames));
  }

  stop(): void {
    this.child?.kill();
  }

  private ensureChild(): ChildProcess {
    if (this.child) return this.child;
    const entry = sandboxChildEntry();
    // isolated-vm's README asks for --no-node-snapshot on Node >= 20.
    const node = [process.execPath, "--no-node-snapshot", ...entry.execArgv, entry.path];
    // Under a soft address-space limit (an instance held to its memory), the child lifts it again:
    // each isolate reserves its own code range, and the isolates' memoryLimit bounds them.
    const [command, ...args] = softAddressSpaceLimit()
      ? ["/bin/sh", "-c", LIFT_ADDRESS_SPACE, ...node]
      : node;
    const child = spawn(command as string, args, {
      // fd 3: the frames' socket (Node's own IPC channel is not used: see frame-channel.ts).
      stdio: ["ignore", "ignore", "pipe", "pipe"],
      // A whole environment of its own (the cast: a Next.js build types ProcessEnv with NODE_ENV).
      ...(this.options.env ? { env: this.options.env as NodeJS.ProcessEnv } : {}),
      ...(this.options.uid !== undefined ? { uid: this.options.uid } : {}),
      ...(this.options.gid !== undefined ? { gid: this.options.gid } : {}),
    });
    const channel = child.stdio[3] as Socket;
    this.generation++;
    this.child = child;
    this.channel = channel;
    this.stderrTail = "";
    child.stderr?.on("data", (d: Buffer) => {
      this.stderrTail = (this.stderrTail + d.toString()).slice(-4000);
    });
    const reader = new FrameReader();
    channel.on("data", (chunk: Buffer) =>
      reader.read(chunk, (frame) => {
        const m = decodeReply(frame);
        const p = this.pending.get(m.id);
        if (!p) return;
        this.pending.delete(m.id);
        if (this.pending.size === 0) setRef(child, channel, false);
        p.resolve(m);
      }),
    );
    child.on("exit", (code, signal) => this.exited(child, code, signal));
    // A write as the child dies fails with EPIPE: its requests are answered by `exited`, and the
    // error must not reach the host process as an uncaught exception.
    child.on("error", () => undefined);
    channel.on("error", () => undefined);
    setRef(child, channel, false);
    return child;
  }

  private exited(child: ChildProcess, code: number | null, signal: NodeJS.Signals | null): void {
    if (this.child !== child) return;
    this.child = null;
    this.channel?.destroy();
    this.channel = null;
    // Not yet sent: their pending entries are answered or retried below.
    this.outbox = [];
    const queued = [...this.pending.entries()].sort((a, b) => a[0] - b[0]).map(([, p]) => p);
    this.pending.clear();
    const [running, ...waiting] = queued;
    if (running) {
      const oom = OOM_OUTPUT.test(this.stderrTail) || signal === "SIGABRT";
      const message = oom
        ? `exceeded the memory limit of ${running.memoryMb} MB; ${STATE_LOST}`
        : `the sandbox process exited (${signal ?? `code ${code}`}); ${STATE_LOST}`;
      running.resolve({
        out: { fault: { kind: oom ? "memory" : "runtime", name: "Error", message }, logs: [] },
      });
    }
    for (const p of waiting) p.retry();
  }
}

/**
 * The child's program: its TypeScript source beside this file, run through tsx; or, when this code
 * was bundled into a runtime (`bundle.mjs`: dist/main.mjs), the child bundled beside that file.
 */
function sandboxChildEntry(): { path: string; execArgv: string[] } {
  if (import.meta.url.endsWith(".ts")) {
    const tsx = pathToFileURL(createRequire(import.meta.url).resolve("tsx")).href;
    return {
      path: fileURLToPath(new URL("./process-child.ts", import.meta.url)),
      execArgv: ["--import", tsx],
    };
  }
  return { path: fileURLToPath(new URL(`./${SANDBOX_CHILD_BUNDLE}`, import.meta.url)), execArgv: [] };
}

/** An idle child must not keep the host process alive. */
function setRef(child: ChildProcess, channel: Socket | null, on: boolean): void {
  // The stderr pipe is a handle of its own: left referenced, it keeps an idle host alive.
  const stderr = child.stderr as { ref?: () => void; unref?: () => void } | null;
  if (on) {
    child.ref();
    channel?.ref();
    stderr?.ref?.();
  } else {
    child.unref();
    channel?.unref();
    stderr?.unref?.();
  }
}

class ProcessPort implements SessionPort {
  private openedIn = -1;
  private lastInit: string | undefined;
  private disposed = false;

  constructor(
    private readonly proc: SandboxProcess,
    private readonly sid: number,
    private readonly spec: SessionSpec,
  ) {}

  async open(): Promise<SessionOutcome> {
    this.openedIn = this.proc.prepare();
    const body = { op: "open" as const, sid: this.sid, spec: this.spec };
    return single(await this.send(body, () => this.open().then(one)));
  }

  async call(method: SessionMethod, args: string): Promise<SessionOutcome> {
    if (this.disposed) return DISPOSED;
    return single(await this.send(this.callBody(method, args), () => this.call(method, args).then(one)));
  }

  async callFresh(initArgs: string, method: SessionMethod, args: string): Promise<FreshOutcome> {
    if (this.disposed) return { init: DISPOSED, out: null };
    const body = { ...this.callBody(method, args, initArgs), initFirst: initArgs };
    const answer = await this.send(body, () => this.callFresh(initArgs, method, args));
    // A reply of one answer (the child died, or could not rebuild the policy) failed the whole call.
    return "init" in answer ? answer : { init: answer.out, out: null };
  }

  /** The request for a call; it reopens the session first when the child restarted since. */
  private callBody(method: SessionMethod, args: string, initArgs?: string) {
    const generation = this.proc.prepare();
    const reopen =
      generation === this.openedIn
        ? undefined
        : { spec: this.spec, ...(this.lastInit !== undefined ? { init: this.lastInit } : {}) };
    this.openedIn = generation;
    if (method === "init") this.lastInit = args;
    if (initArgs !== undefined) this.lastInit = initArgs;
    return { op: "call" as const, sid: this.sid, method, args, ...(reopen ? { reopen } : {}) };
  }

  dispose(): void {
    this.disposed = true;
    this.proc.notify({ op: "close", sid: this.sid });
  }

  private send(body: ChildRequestBody, again: () => Promise<Answer>): Promise<Answer> {
    return new Promise((resolve) => {
      void this.proc.request(body, this.spec.limits.memoryMb, () => resolve(again())).then(resolve);
    });
  }
}

const DISPOSED: SessionOutcome = { fault: { kind: "runtime", name: "Error", message: "disposed" }, logs: [] };
const one = (out: SessionOutcome): Answer => ({ out });
const single = (answer: Answer): SessionOutcome =>
  "init" in answer ? (answer.out ?? answer.init) : answer.out;
