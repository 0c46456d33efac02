/** One problem of a validated value: the dotted path of the field, and what is wrong with it. */
export interface FieldIssue {
  path: string;
  message: string;
}

/** Zod's issues (structurally; no zod import) as `{path, message}`; `root` names the value itself. */
export function fieldIssues(
  error: { issues: { path: PropertyKey[]; message: string }[] },
  root = "",
): FieldIssue[] {
  return error.issues.map((i) => ({ path: i.path.map(String).join(".") || root, message: i.message }));
}

/** The issues on one line: `a.b: message; c: message`. */
export function issuesLine(issues: FieldIssue[]): string {
  return issues.map((i) => `${i.path}: ${i.message}`).join("; ");
}
