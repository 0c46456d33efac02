/**
 * The sandbox child process: holds the isolates of every policy loaded with isolation "process".
 * If one of them brings V8 down (an allocation isolated-vm cannot stop), only this process dies and
 * the parent restarts it.
 *
 * It serves the socket on fd 3 in a plain blocking loop, without an event loop: a read that
 * blocks wakes the moment a request arrives, and every call is synchronous anyway (applySync). It
 * answers in order, each request as soon as it has run, so at most one runs and, if one brings
 * this process down, the parent knows which. End of file on the socket (the parent closed it or
 * died) ends the process.
 */
import { readSync, writeSync } from "node:fs";
import { FrameReader } from "./frame-channel";
import { type FreshOutcome, IsolateSession, isOk, type SessionOutcome } from "./isolate-session";
import { type ChildRequest, decodeRequest, encodeReply } from "./process-protocol";

const CHANNEL_FD = 3;
const sessions = new Map<number, IsolateSession>();

function open(
  sid: number,
  spec: ConstructorParameters<typeof IsolateSession>[0],
): [IsolateSession, SessionOutcome] {
  sessions.get(sid)?.dispose();
  const session = new IsolateSession(spec);
  sessions.set(sid, session);
  return [session, session.open()];
}

function handle(m: ChildRequest): SessionOutcome | FreshOutcome | null {
  if (m.op === "open") return open(m.sid, m.spec)[1];
  if (m.op === "close") {
    sessions.get(m.sid)?.dispose();
    sessions.delete(m.sid);
    return null;
  }
  if (m.reopen) {
    // This process replaced one that died: rebuild the policy and replay its last init first.
    const [session, opened] = open(m.sid, m.reopen.spec);
    if (!isOk(opened)) return opened;
    if (m.reopen.init !== undefined && m.method !== "init" && m.initFirst === undefined) {
      const replayed = session.call("init", m.reopen.init);
      if (!isOk(replayed)) return replayed;
    }
  }
  const session = sessions.get(m.sid);
  if (!session)
    return { fault: { kind: "runtime", name: "Error", message: "no such policy session" }, logs: [] };
  if (m.initFirst !== undefined) return session.callFresh(m.initFirst, m.method, m.args);
  return session.call(m.method, m.args);
}

function answer(m: ChildRequest): void {
  const out = handle(m);
  if (out === null) return;
  const reply = encodeReply("init" in out ? { id: m.id, ...out } : { id: m.id, out });
  for (let at = 0; at < reply.length; ) at += writeSync(CHANNEL_FD, reply, at);
}

/** The fd is a blocking socket; should it ever not be, a read with nothing to read waits a little. */
const pause = new Int32Array(new SharedArrayBuffer(4));

function serve(): void {
  const reader = new FrameReader();
  const chunk = Buffer.allocUnsafe(1 << 16);
  for (;;) {
    let n: number;
    try {
      n = readSync(CHANNEL_FD, chunk, 0, chunk.length, null);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === "EAGAIN") Atomics.wait(pause, 0, 0, 1);
      if (code === "EAGAIN" || code === "EINTR") continue;
      throw e;
    }
    if (n === 0) process.exit(0);
    reader.read(chunk.subarray(0, n), (frame) => answer(decodeRequest(frame)));
  }
}

// After the module graph has loaded (a loader may still have work queued on the event loop).
setImmediate(serve);
