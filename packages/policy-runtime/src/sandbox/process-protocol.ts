import { encodeFrame, type Frame } from "./frame-channel";
import type { FreshOutcome, SessionMethod, SessionOutcome, SessionSpec } from "./isolate-session";

/**
 * With `reopen`, the child first (re)creates the session: the parent saw it restart since. With
 * `initFirst`, init runs with those arguments just before the method (`callFresh`), and the reply
 * carries both answers.
 */
export type ChildRequest =
  | { op: "open"; id: number; sid: number; spec: SessionSpec }
  | {
      op: "call";
      id: number;
      sid: number;
      method: SessionMethod;
      args: string;
      reopen?: { spec: SessionSpec; init?: string };
      initFirst?: string;
    }
  | { op: "close"; id: number; sid: number };

export type ChildRequestBody = ChildRequest extends infer R
  ? R extends unknown
    ? Omit<R, "id">
    : never
  : never;

export type ChildReply = { id: number; out: SessionOutcome } | ({ id: number } & FreshOutcome);

/** A call's arguments (and init's, with `initFirst`) cross as raw strings after the head. */
export function encodeRequest(request: ChildRequest): Buffer {
  if (request.op !== "call") return encodeFrame(request);
  const { args, initFirst, ...head } = request;
  return initFirst === undefined
    ? encodeFrame(head, [args])
    : encodeFrame({ ...head, fresh: 1 }, [args, initFirst]);
}

export function decodeRequest({ head, raw }: Frame): ChildRequest {
  if (head.op !== "call") return head as ChildRequest;
  const { fresh, ...rest } = head;
  const [args = "", initFirst] = raw;
  return {
    ...(rest as Omit<Extract<ChildRequest, { op: "call" }>, "args">),
    args,
    ...(fresh ? { initFirst } : {}),
  };
}

/** In a reply's head, `1` stands for an isolate's answer, which follows as a raw string. */
type WireOutcome = 1 | Extract<SessionOutcome, { fault: unknown }> | null;

export function encodeReply(reply: ChildReply): Buffer {
  const raw: string[] = [];
  const wire = (o: SessionOutcome | null): WireOutcome => {
    if (o === null || !("json" in o)) return o;
    raw.push(o.json);
    return 1;
  };
  const head =
    "init" in reply
      ? { id: reply.id, init: wire(reply.init), out: wire(reply.out) }
      : { id: reply.id, out: wire(reply.out) };
  return encodeFrame(head, raw);
}

export function decodeReply({ head, raw }: Frame): ChildReply {
  let next = 0;
  const outcome = (w: WireOutcome): SessionOutcome | null => (w === 1 ? { json: raw[next++] ?? "" } : w);
  const id = head.id as number;
  if (!("init" in head)) return { id, out: outcome(head.out as WireOutcome) as SessionOutcome };
  const init = outcome(head.init as WireOutcome) as SessionOutcome;
  return { id, init, out: outcome(head.out as WireOutcome) };
}
