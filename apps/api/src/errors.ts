import { randomBytes } from "node:crypto";
import { type FieldIssue, issuesSummary } from "@aios/contracts";

/** A field of the input and what is wrong with it, as the one formatter (`fieldIssues`) writes it. */
export type { FieldIssue };

/**
 * The one error taxonomy of the API. Services throw these; `httpStatusOf` is the one mapping from
 * them to HTTP statuses, used by tRPC (`trpc.ts`) and the data plane (`data-plane/`) alike, and
 * anything else is an unexpected error whose text is logged, never sent to the caller.
 */
export type ErrorKind =
  | "user"
  | "forbidden"
  | "denied"
  | "not_found"
  | "conflict"
  | "too_large"
  | "quota"
  | "operational"
  | "unexpected";

export abstract class AppError extends Error {
  abstract readonly kind: ErrorKind;
}

/** Bad input: says exactly which field and why. */
export class UserError extends AppError {
  readonly kind = "user";
  constructor(
    message: string,
    readonly issues: FieldIssue[] = [],
  ) {
    super(message);
  }
  static field(path: string, message: string): UserError {
    return new UserError(`${path}: ${message}`, [{ path, message }]);
  }
  /** A failed validation: every issue kept, the message the first one and how many more (after `what: `). */
  static fromIssues(issues: FieldIssue[], what?: string): UserError {
    return new UserError(what ? `${what}: ${issuesSummary(issues)}` : issuesSummary(issues), issues);
  }
}

/**
 * The caller's token may not act on this: an agent token scoped to one cluster reaching another
 * cluster's block, controller, job or function. (A role too low is refused before any service runs.)
 */
export class ForbiddenError extends AppError {
  readonly kind = "forbidden";
}

/**
 * A governing policy refused the action (a gateway pre-check): the request was well formed and the
 * caller may make it, but the network's rules do not allow it. The message names the action, the
 * policy and its reason.
 */
export class DeniedError extends AppError {
  readonly kind = "denied";
}

export class NotFoundError extends AppError {
  readonly kind = "not_found";
  constructor(
    readonly entity: string,
    readonly key: string,
    readonly field?: string,
  ) {
    super(`${entity} ${JSON.stringify(key)} was not found${field ? ` (field ${field})` : ""}`);
  }
}

/** The request clashes with existing state (e.g. an immutable version registered with other content). */
export class ConflictError extends AppError {
  readonly kind = "conflict";
}

/** A request body over the size the API reads; the message names the limit and its setting. */
export class PayloadTooLargeError extends AppError {
  readonly kind = "too_large";
}

/**
 * A quota on the caller's use was reached (a vDAG controller's quota checker refused, a rate
 * limit): 429, with `Retry-After` when the wait is known.
 */
export class QuotaExceededError extends AppError {
  readonly kind = "quota";
  constructor(
    message: string,
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
  }
}

/** Transient: a dependency is down or busy; retrying later may succeed. */
export class OperationalError extends AppError {
  readonly kind = "operational";
}

export class UnexpectedError extends AppError {
  readonly kind = "unexpected";
}

const STATUS: Record<ErrorKind, number> = {
  user: 400,
  forbidden: 403,
  denied: 403,
  not_found: 404,
  conflict: 409,
  too_large: 413,
  quota: 429,
  operational: 503,
  unexpected: 500,
};

/** The HTTP status an error is answered with: its kind's, and 500 for anything outside the taxonomy. */
export function httpStatusOf(err: unknown): number {
  return err instanceof AppError ? STATUS[err.kind] : 500;
}

/** A short reference that ties an "internal error" answer to the line that logged the error. */
export const newErrorRef = () => randomBytes(4).toString("hex");
