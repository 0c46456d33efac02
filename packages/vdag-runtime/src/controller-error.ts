import { fieldIssues, issuesLine } from "@aios/service-kit";

/** A reply of the controller: HTTP status, body, and the body as JSON text. */
export interface Reply<T = unknown> {
  status: number;
  body: T;
}

/** An error that is the client's (bad config, unknown session, no such policy): HTTP status + stage. */
export class ControllerError extends Error {
  constructor(
    readonly status: number,
    readonly stage: string,
    message: string,
    readonly issues?: { path: string; message: string }[],
  ) {
    super(message);
  }
}

/** Zod issues as `{path, message}` (the whole body is "(body)") and as one line naming the fields. */
export function issuesOf(error: { issues: { path: PropertyKey[]; message: string }[] }) {
  const issues = fieldIssues(error, "(body)");
  return { issues, text: issuesLine(issues) };
}
