import { type core, z } from "zod";

/** One validation failure: `path` from the document root (e.g. `body.spec.values.minInstances`). */
export const ZSpecError = z.object({ path: z.string(), message: z.string() });
export type TSpecError = z.infer<typeof ZSpecError>;
/** The same `{path, message}` outside spec documents: a field of a request, a variable of an environment. */
export type FieldIssue = TSpecError;

export type TSpecParseResult<T> = { ok: true; data: T } | { ok: false; errors: TSpecError[] };

type TPathKey = PropertyKey;

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$-]*$/;

/** `["nodes", 0, "spec"]` -> `nodes[0].spec`; keys that are not identifiers are quoted: `a["x.y"]`. */
export function formatPath(path: readonly TPathKey[]): string {
  let out = "";
  for (const key of path) {
    if (typeof key === "number") out += `[${key}]`;
    else if (typeof key === "string" && IDENTIFIER.test(key)) out += out === "" ? key : `.${key}`;
    else out += `[${JSON.stringify(String(key))}]`;
  }
  return out;
}

/** Short human name of a value's type: `number`, `array`, `null`, ... */
export function describeValue(input: unknown): string {
  if (input === null) return "null";
  if (Array.isArray(input)) return "array";
  if (typeof input === "number" && !Number.isFinite(input)) return String(input);
  return typeof input;
}

function withArticle(type: string): string {
  if (type === "int") return "an integer";
  if (type === "record") return "an object";
  return /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`;
}

function quoteAll(values: readonly unknown[]): string {
  return values.map((v) => JSON.stringify(v)).join(", ");
}

function sizeMessage(iss: core.$ZodRawIssue, small: boolean): string {
  const bound = (small ? iss.minimum : iss.maximum) as number | bigint;
  const inclusive = iss.inclusive !== false;
  switch (iss.origin) {
    case "string":
      if (small && Number(bound) === 1) return "must not be empty";
      return `must have ${small ? "at least" : "at most"} ${bound} characters`;
    case "array":
    case "set":
      if (small && Number(bound) === 1) return "must have at least one item";
      return `must have ${small ? "at least" : "at most"} ${bound} items`;
    default: {
      const op = small ? (inclusive ? ">=" : ">") : inclusive ? "<=" : "<";
      return `must be ${op} ${bound}, got ${String(iss.input)}`;
    }
  }
}

/**
 * Message for zod's built-in issue codes, used as the per-parse error map. Messages given on a schema
 * (`.regex(re, { error })`, refinements) take precedence over this map, so those stay as written.
 */
export const specErrorMap: core.$ZodErrorMap = (iss) => {
  switch (iss.code) {
    case "invalid_type":
      if (iss.input === undefined) return "Required";
      return `expected ${withArticle(String(iss.expected))}, got ${describeValue(iss.input)}`;
    case "invalid_value":
      if (iss.input === undefined) return "Required";
      if (iss.values.length === 1)
        return `expected ${quoteAll(iss.values)}, got ${JSON.stringify(iss.input)}`;
      return `expected one of ${quoteAll(iss.values)}, got ${JSON.stringify(iss.input)}`;
    case "invalid_union":
      if (Array.isArray(iss.options) && iss.options.length > 0) {
        // A discriminated union: the issue's input is the whole object, report the discriminator.
        const key = typeof iss.discriminator === "string" ? iss.discriminator : undefined;
        const value =
          key && typeof iss.input === "object" && iss.input !== null
            ? (iss.input as Record<string, unknown>)[key]
            : iss.input;
        if (value === undefined) return "Required";
        return `expected one of ${quoteAll(iss.options)}, got ${JSON.stringify(value)}`;
      }
      return undefined;
    case "too_small":
      return sizeMessage(iss, true);
    case "too_big":
      return sizeMessage(iss, false);
    case "not_multiple_of":
      return `must be a multiple of ${String(iss.divisor)}`;
    case "invalid_format":
      return `must be a valid ${iss.format}`;
    default:
      return undefined;
  }
};

type TIssue = core.$ZodIssue;

/** For a failed union, the branch that got furthest: fewest issues, then deepest first issue. */
function closestBranch(branches: TIssue[][]): TIssue[] {
  const depth = (issues: TIssue[]) => Math.max(0, ...issues.map((i) => i.path.length));
  let best: TIssue[] = branches[0] ?? [];
  for (const branch of branches.slice(1)) {
    if (branch.length < best.length || (branch.length === best.length && depth(branch) > depth(best))) {
      best = branch;
    }
  }
  return best;
}

/** Types a failed union expected when every branch failed on the value's own type, else undefined. */
function rootTypes(branches: TIssue[][]): string[] | undefined {
  const expected: string[] = [];
  for (const branch of branches) {
    const only = branch[0];
    if (branch.length !== 1 || !only || only.path.length > 0) return undefined;
    if (only.code === "invalid_type") expected.push(String(only.expected));
    else if (only.code === "invalid_union" && only.errors.length > 0) {
      const nested = rootTypes(only.errors);
      if (!nested) return undefined;
      expected.push(...nested);
    } else return undefined;
  }
  return expected;
}

function unionOfTypes(issue: TIssue & { code: "invalid_union" }): string | undefined {
  const expected = rootTypes(issue.errors);
  if (!expected) return undefined;
  const list =
    expected.length > 1 ? `${expected.slice(0, -1).join(", ")} or ${expected.at(-1)}` : expected[0];
  if (issue.input !== undefined) return `expected ${list}, got ${describeValue(issue.input)}`;
  // Without `reportInput` zod omits the value; the branch messages still tell a missing one apart.
  const first = issue.errors[0]?.[0]?.message ?? "";
  return first === "Required" || first.endsWith("received undefined") ? "Required" : `expected ${list}`;
}

/**
 * THE conversion from zod issues to `TSpecError[]`: prefixes every path with `basePath`, expands
 * unknown keys to one error each and descends into the closest branch of a failed union.
 */
export function toSpecErrors(issues: readonly TIssue[], basePath: readonly TPathKey[] = []): TSpecError[] {
  const out: TSpecError[] = [];
  for (const issue of issues) {
    const path = [...basePath, ...issue.path];
    if (issue.code === "unrecognized_keys") {
      for (const key of issue.keys) out.push({ path: formatPath([...path, key]), message: "unknown field" });
    } else if (issue.code === "invalid_union" && issue.errors.length > 0) {
      const merged = unionOfTypes(issue);
      if (merged) out.push({ path: formatPath(path), message: merged });
      else out.push(...toSpecErrors(closestBranch(issue.errors), path));
    } else if (issue.code === "invalid_key" || issue.code === "invalid_element") {
      const inner = toSpecErrors(issue.issues, []).map((e) => e.message);
      out.push({ path: formatPath(path), message: `invalid ${issue.code.slice(8)}: ${inner.join("; ")}` });
    } else {
      out.push({ path: formatPath(path), message: issue.message });
    }
  }
  return out;
}

/** Parse `value` with `schema`, reporting errors with paths under `basePath` and spec-style messages. */
export function safeParseSpec<S extends z.ZodType>(
  schema: S,
  value: unknown,
  basePath: readonly TPathKey[] = [],
): TSpecParseResult<z.output<S>> {
  const result = schema.safeParse(value, { error: specErrorMap, reportInput: true });
  if (result.success) return { ok: true, data: result.data };
  return { ok: false, errors: toSpecErrors(result.error.issues, basePath) };
}

/**
 * THE formatter of a failed validation for every app and package (requests, replies, environments):
 * `toSpecErrors` over the error's issues, so paths read as the Parser's do (`nodes[0].spec`, under
 * `under` when given). An issue on the value itself is named `root` (`(body)`, `(env)`). Issues that
 * are not zod's (a plain `{path, message}` list) are taken as they are.
 */
export function fieldIssues(
  error: { issues: readonly { path: readonly PropertyKey[]; message: string }[] },
  root = "",
  under: readonly TPathKey[] = [],
): FieldIssue[] {
  const issues = toSpecErrors(error.issues as readonly TIssue[], under);
  return issues.map((i) => (i.path === "" ? { path: root, message: i.message } : i));
}

/** One issue as text: `a.b: message`. */
export const formatIssue = (issue: FieldIssue): string => `${issue.path}: ${issue.message}`;

/** The issues on one line: `a.b: message; c: message`. */
export function issuesLine(issues: readonly FieldIssue[]): string {
  return issues.map(formatIssue).join("; ");
}

/** The first issue and how many others there are, for one error's message: `a.b: message (and 2 more)`. */
export function issuesSummary(issues: readonly FieldIssue[]): string {
  const [first] = issues;
  if (!first) return "invalid";
  const more = issues.length > 1 ? ` (and ${issues.length - 1} more)` : "";
  return `${formatIssue(first)}${more}`;
}
