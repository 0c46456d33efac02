/** A field the API refused, as its error formatter sends it (`error.data.issues`). */
export interface FieldIssue {
  path: string;
  message: string;
}

/** The field issues of a failed tRPC call (none for other errors). */
export function fieldIssues(error: unknown): FieldIssue[] {
  const data = (error as { data?: { issues?: unknown } } | null)?.data;
  if (!Array.isArray(data?.issues)) return [];
  return data.issues.filter(
    (i): i is FieldIssue => typeof i?.path === "string" && typeof i?.message === "string",
  );
}

/**
 * Issues grouped by the form field they belong to: the last path segment
 * (`values.version`, `body.spec.values.version` and `version` all belong to `version`); issues
 * of no listed field are under `""`.
 */
export function issuesByField(issues: FieldIssue[], fields: readonly string[]): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const issue of issues) {
    const last = issue.path.split(".").pop() ?? "";
    const field = fields.includes(last) ? last : "";
    const message = field === "" && issue.path ? `${issue.path}: ${issue.message}` : issue.message;
    out[field] = [...(out[field] ?? []), message];
  }
  return out;
}

/** `(line 12, column 5)` in a refusal of the code (the API's compile check) -> its position. */
export function positionInMessage(message: string): { line: number; column: number } | undefined {
  const m = /\(line (\d+), column (\d+)\)/.exec(message);
  return m ? { line: Number(m[1]), column: Math.max(1, Number(m[2])) } : undefined;
}

/**
 * What a form shows of a refused call: each field issue as `path: message` (a refused input's
 * message is zod's raw JSON otherwise), else the error's message.
 */
export function errorText(error: { message: string } | null | undefined): string {
  if (!error) return "";
  const issues = fieldIssues(error);
  return issues.length ? issues.map((i) => `${i.path}: ${i.message}`).join("; ") : error.message;
}
