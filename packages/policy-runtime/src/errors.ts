/** What went wrong with a policy; every failure of compile, load or a call is one of these. */
export type PolicyErrorKind =
  | "compile"
  | "runtime"
  | "timeout"
  | "memory"
  | "invalid_input"
  | "invalid_output"
  | "invalid_policy";

export interface PolicyIssue {
  path: string;
  message: string;
}

export interface PolicyErrorInit {
  /** 1-based line in the policy's own TypeScript source. */
  line?: number;
  /** 1-based column in the policy's own TypeScript source. */
  column?: number;
  issues?: PolicyIssue[];
  /** The policy's stack, frames mapped to its TypeScript source, sandbox frames removed. */
  policyStack?: string;
  /** For invalid_output: what eval returned, so a dry-run can still show it. */
  output?: unknown;
}

export class PolicyError extends Error {
  override readonly name = "PolicyError";
  readonly kind: PolicyErrorKind;
  readonly line?: number;
  readonly column?: number;
  readonly issues?: PolicyIssue[];
  readonly policyStack?: string;
  readonly output?: unknown;

  constructor(kind: PolicyErrorKind, message: string, init: PolicyErrorInit = {}) {
    super(message);
    this.kind = kind;
    // Assigned one by one so absent fields stay absent (tests and JSON output compare shapes).
    if (init.line !== undefined) this.line = init.line;
    if (init.column !== undefined) this.column = init.column;
    if (init.issues !== undefined) this.issues = init.issues;
    if (init.policyStack !== undefined) this.policyStack = init.policyStack;
    if (init.output !== undefined) this.output = init.output;
  }
}

export const isPolicyError = (e: unknown): e is PolicyError => e instanceof PolicyError;
