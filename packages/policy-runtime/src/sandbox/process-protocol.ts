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

/** Requests sent together; each is answered on its own, in order. */
export interface ChildBatch {
  op: "batch";
  requests: ChildRequest[];
}

export type ChildRequestBody = ChildRequest extends infer R
  ? R extends unknown
    ? Omit<R, "id">
    : never
  : never;

export type ChildReply = { id: number; out: SessionOutcome } | ({ id: number } & FreshOutcome);
