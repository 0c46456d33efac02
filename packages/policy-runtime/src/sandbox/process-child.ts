/**
 * The sandbox child process: holds the isolates of every policy loaded with isolation "process".
 * If one of them brings V8 down (an allocation isolated-vm cannot stop), only this process dies and
 * the parent restarts it. Requests are answered in order and run synchronously, so at most one runs.
 */
import { type FreshOutcome, IsolateSession, isOk, type SessionOutcome } from "./isolate-session";
import type { ChildBatch, ChildReply, ChildRequest } from "./process-protocol";

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
  const reply: ChildReply = "init" in out ? { id: m.id, ...out } : { id: m.id, out };
  process.send?.(reply);
}

process.on("message", (m: ChildRequest | ChildBatch) => {
  if (m.op !== "batch") return answer(m);
  // Each answered as soon as it has run: if a later one brings this process down, the parent knows
  // which one was running.
  for (const request of m.requests) answer(request);
});
process.on("disconnect", () => process.exit(0));
