import {
  DEFAULT_PAGE_LIMIT,
  fieldIssues,
  MAX_RANKING_ROWS,
  RANKED_REGISTRY_KEYS,
  type TFilterQuery,
  type TPolicyCallResult,
  type TPolicyErrorInfo,
  type TPolicyRuleRef,
  type TRankedRegistry,
  ZPolicyRuleRef,
} from "@aios/contracts";
import type { Db } from "@aios/db";
import { UserError } from "../../errors";
import { checkPolicyValues } from "../policies/policy-contract";
import { policySource } from "../policies/policy-runtime.service";
import type { PageInput } from "./search";

/** The API's central executor (execution type 2), as the services hand it on. */
export type ExecutePolicy = (
  policyRuleURI: string,
  input: unknown,
  overrides: { settings?: object; parameters?: object },
) => Promise<TPolicyCallResult>;

/** What one ranking is asked: the rows a filter matched and the policy that orders them. */
export interface RankRequest<R> {
  /** The searched registry, told to the policy (`blocks` for a vDAG node's candidates). */
  registry: TRankedRegistry;
  /** The filter that matched the rows, told to the policy. */
  query: unknown;
  /** The matching rows, at most MAX_RANKING_ROWS. */
  rows: R[];
  truncated: boolean;
  rule: TPolicyRuleRef;
  /** Where the caller gave the rule (`rankingPolicyRule`), named in every refusal. */
  field: string;
}

/** The rule a caller gave (any JSON) as a policy reference, refused naming its field when it is none. */
export function rankingRuleOf(value: unknown, field: string): TPolicyRuleRef {
  const parsed = ZPolicyRuleRef.safeParse(value);
  if (!parsed.success) throw UserError.fromIssues(fieldIssues(parsed.error, field));
  return parsed.data;
}

/**
 * Ranking policies (kind `ranking`, the original search server's): a search's matches go to the
 * policy, which answers them best first and may drop some. The policy sees the records the search
 * returns; it answers entries told apart by the registry's key, and the caller gets its own records
 * back in that order, so a policy can reorder and drop but never change or add a row. Nothing is
 * stored: a refusal or a failed policy leaves nothing behind.
 */
export function createRanking(deps: { db: Db; executePolicy: ExecutePolicy }) {
  /** The rule names a stored ranking policy, with settings and parameters its schemas allow. */
  async function check(rule: TPolicyRuleRef, field: string): Promise<void> {
    const source = await policySource(deps.db, rule.policyRuleURI, `${field}.policyRuleURI`);
    if (source.kind !== "ranking") {
      throw UserError.field(
        `${field}.policyRuleURI`,
        `${rule.policyRuleURI} is a ${source.kind} policy, not ranking`,
      );
    }
    await checkPolicyValues(
      deps.db,
      rule.policyRuleURI,
      { settings: rule.settings ?? {}, parameters: rule.parameters ?? {} },
      { settings: `${field}.settings`, parameters: `${field}.parameters` },
      `${field}.policyRuleURI`,
    );
  }

  /** The rows in the policy's order, without those it dropped; checked first unless `checked`. */
  async function rank<R extends object>(req: RankRequest<R>, checked = false): Promise<R[]> {
    const { rule, field } = req;
    if (!checked) await check(rule, field);
    const keyField = RANKED_REGISTRY_KEYS[req.registry];
    const keyOf = (row: object) => (row as Record<string, unknown>)[keyField];
    const r = await deps.executePolicy(
      rule.policyRuleURI,
      { registry: req.registry, query: req.query, filterResult: req.rows, truncated: req.truncated },
      { settings: rule.settings ?? {}, parameters: rule.parameters ?? {} },
    );
    if (!r.ok) {
      throw UserError.field(field, `the ranking policy ${rule.policyRuleURI} failed: ${failure(r.error)}`);
    }
    const byKey = new Map(req.rows.map((row) => [keyOf(row), row]));
    const results = (r.output as { results: Array<Record<string, unknown>> }).results;
    const seen = new Set<unknown>();
    return results.map((entry, i) => {
      const key = entry[keyField];
      const row = byKey.get(key);
      const at = `the ranking policy ${rule.policyRuleURI} answered results.${i}`;
      if (typeof key !== "string") throw UserError.field(field, `${at} without its ${keyField}`);
      if (!row) {
        throw UserError.field(
          field,
          `${at} with ${keyField} ${JSON.stringify(key)}, which is not among the ${req.rows.length} matching ${req.registry}`,
        );
      }
      if (seen.has(key)) throw UserError.field(field, `${at}: ${keyField} ${JSON.stringify(key)} twice`);
      seen.add(key);
      return row;
    });
  }

  return {
    check,
    rank,

    /**
     * A registry search ranked by `rule`: the filter's first MAX_RANKING_ROWS matches go to the
     * policy, and the page (`limit` from `offset`) is cut from its answer.
     */
    async search<R extends object>(req: {
      registry: TRankedRegistry;
      filter: TFilterQuery;
      page: PageInput;
      rule: TPolicyRuleRef;
      /** The registry's own search (one page of its matches in key order). */
      find(filter: TFilterQuery, page: PageInput): Promise<R[]>;
    }): Promise<R[]> {
      const field = "rankingPolicyRule";
      await check(req.rule, field);
      const found = await req.find(req.filter, { limit: MAX_RANKING_ROWS + 1, offset: 0 });
      const ranked = await rank(
        {
          registry: req.registry,
          query: req.filter,
          rows: found.slice(0, MAX_RANKING_ROWS),
          truncated: found.length > MAX_RANKING_ROWS,
          rule: req.rule,
          field,
        },
        true,
      );
      const offset = req.page.offset ?? 0;
      return ranked.slice(offset, offset + (req.page.limit ?? DEFAULT_PAGE_LIMIT));
    },
  };
}

export type Ranking = ReturnType<typeof createRanking>;

/** A failed call in one line: its kind, message and first issues (an invalid output names the field). */
function failure(error: TPolicyErrorInfo | undefined): string {
  if (!error) return "unknown error";
  const issues = (error.issues ?? []).slice(0, 3).map((i) => `${i.path}: ${i.message}`);
  const extra =
    issues.length > 0 && !error.message.includes(issues[0] as string) ? ` (${issues.join("; ")})` : "";
  return `${error.kind} error: ${error.message}${extra}`;
}
