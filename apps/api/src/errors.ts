/**
 * The one error taxonomy of the management plane. Services throw these; `trpc.ts` maps them to tRPC
 * codes (and so HTTP statuses) in one place, and hides the internals of unexpected errors.
 */
export interface FieldIssue {
  /** Dotted path of the offending field, from the root of the input (e.g. `body.spec.values.minInstances`). */
  path: string;
  message: string;
}

export abstract class AppError extends Error {
  abstract readonly kind: "user" | "not_found" | "conflict" | "denied" | "operational" | "unexpected";
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

/**
 * A governing policy refused the action (a gateway pre-check): the request was well formed and the
 * caller may make it, but the network's rules do not allow it. The message names the action, the
 * policy and its reason.
 */
export class DeniedError extends AppError {
  readonly kind = "denied";
}

/** Transient: a dependency is down or busy; retrying later may succeed. */
export class OperationalError extends AppError {
  readonly kind = "operational";
}

export class UnexpectedError extends AppError {
  readonly kind = "unexpected";
}

export class ForbiddenError extends Error {}
