/**
 * Ajv's errors as the policy validator's issues (json-schema.ts): unions judged branch by branch,
 * one error for a value of the wrong type, each message once.
 */
import type { ErrorObject } from "ajv/dist/2020.js";
import type { TCompiledSchema } from "./json-schema-compile";
import { issueOf, pathIn, type TIssue } from "./json-schema-messages";
import type { TSchemaPathKey } from "./json-schema-types";
import { gotOf, isObject } from "./json-schema-values";

/**
 * The issues of `errors` (Ajv's, for `data` at `base`). A union that failed (`anyOf`, `oneOf`) is
 * judged by validating each branch on its own. Then, as the rules of the messages say: a value of
 * the wrong type gets that one error from its schema node; when validating defaults (`partial`),
 * the root's `required` and `minProperties` are left to the callers; the same message is said once.
 */
export function issuesOf(
  schema: TCompiledSchema,
  errors: ErrorObject[],
  data: unknown,
  base: TSchemaPathKey[],
  partial: boolean,
): TIssue[] {
  const chunks: TIssue[][] = [];
  // Backwards: a union's branch errors come just before its own error.
  for (let i = errors.length - 1; i >= 0; i--) {
    const e = errors[i] as ErrorObject;
    const at = [...base, ...pathIn(data, e.instancePath)];
    const union =
      e.keyword === "anyOf" || e.keyword === "oneOf" ? unionIssues(schema, e, at, partial) : undefined;
    if (union) {
      chunks.push(union.issues);
      i -= union.raw;
    } else chunks.push([issueOf(e, at, data, base)]);
  }
  const out = chunks.reverse().flat();
  // Type errors by the path they are at (a branch's were judged in it): a value may have thousands of issues.
  const typeErrors = new Map<string, TIssue[]>();
  for (const t of out) {
    if (t.keyword !== "type" || t.via) continue;
    const key = JSON.stringify(t.at);
    typeErrors.set(key, [...(typeErrors.get(key) ?? []), t]);
  }
  const moot = (i: TIssue) => {
    const { at } = i.via ?? i;
    for (let n = 0; n <= at.length && typeErrors.size > 0; n++) {
      if (typeErrors.get(JSON.stringify(at.slice(0, n)))?.some((t) => explainedByType(t, i))) return true;
    }
    return false;
  };
  const seen = new Set<string>();
  return out.filter((i) => {
    if (partial && i.at.length === 0 && (i.keyword === "required" || i.keyword === "minProperties"))
      return false;
    if (moot(i)) return false;
    const text = `${JSON.stringify(i.path)} ${i.message}`;
    if (seen.has(text)) return false;
    seen.add(text);
    return true;
  });
}

/**
 * Whether `i` is moot because the value is not of the type its schema node `t` asks for: the
 * node's other keywords, and what its subschemas said of the value's fields, go unsaid.
 */
function explainedByType(t: TIssue, i: TIssue): boolean {
  const { node, at } = i.via ?? i;
  if (i === t || at.length < t.at.length || t.at.some((k, n) => at[n] !== k)) return false;
  if (node === t.node && at.length === t.at.length) return true;
  if (i.via) return false; // its schemaPath is within the branch
  const own = t.schemaPath.slice(0, -"type".length); // "#/properties/a/"
  return i.schemaPath.startsWith(own) && !/^(\$defs|definitions)\//.test(i.schemaPath.slice(own.length));
}

/** The issues of a failed `anyOf` / `oneOf` at `at`, and how many raw errors its branches made. */
function unionIssues(
  schema: TCompiledSchema,
  e: ErrorObject,
  at: TSchemaPathKey[],
  partial: boolean,
): { issues: TIssue[]; raw: number } | undefined {
  const node = e.parentSchema;
  const subschemas = isObject(node) ? node[e.keyword] : undefined;
  if (!Array.isArray(subschemas)) return undefined;
  let raw = 0;
  const branches: TIssue[][] = [];
  for (const [index, sub] of subschemas.entries()) {
    if (typeof sub === "boolean") {
      if (!sub) raw++;
      branches.push(
        sub
          ? []
          : [{ path: at, message: "not allowed here", keyword: "false schema", node, at, schemaPath: "" }],
      );
      continue;
    }
    const validate = schema.branch(node, e.keyword, index);
    if (!validate) return undefined;
    const errors = validate(e.data) ? [] : [...(validate.errors ?? [])];
    raw += errors.length;
    branches.push(issuesOf(schema, errors, e.data, at, partial));
  }
  const own = (message: string, expected?: string): TIssue => ({
    path: at,
    message,
    keyword: e.keyword,
    node,
    at,
    schemaPath: e.schemaPath,
    ...(expected === undefined ? {} : { expected }),
  });
  const matching = branches.flatMap((b, i) => (b.length === 0 ? [i] : []));
  let issues: TIssue[] = [];
  if (e.keyword === "oneOf" && matching.length > 1) {
    issues = [
      own(
        `must match exactly one of the ${branches.length} allowed forms, matches forms ${matching.join(" and ")}`,
      ),
    ];
  } else if (matching.length === 0) {
    issues = unionFailure(branches, e.data, at, own).map((i) => ({ ...i, via: { node, at } }));
  }
  return { issues, raw };
}

/**
 * No branch of a union matched: when every branch failed on the value's own type or bounds, one
 * message lists what would do (`must be a string or an integer >= 1`); otherwise the errors of the
 * branch that got furthest (fewest errors, then deepest).
 */
function unionFailure(
  branches: TIssue[][],
  value: unknown,
  path: TSchemaPathKey[],
  own: (message: string, expected: string) => TIssue,
): TIssue[] {
  const roots = branches.map((b) =>
    b.length === 1 && b[0]?.path.length === path.length ? b[0].expected : undefined,
  );
  if (roots.every((e) => e !== undefined)) {
    const expected = [...new Set(roots as string[])].join(" or ");
    return [own(`must be ${expected}, got ${gotOf(value, true)}`, expected)];
  }
  const depth = (b: TIssue[]) => Math.max(0, ...b.map((i) => i.path.length));
  let best = branches[0] ?? [];
  for (const b of branches.slice(1)) {
    if (b.length < best.length || (b.length === best.length && depth(b) > depth(best))) best = b;
  }
  return best;
}
