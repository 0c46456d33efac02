import {
  fieldIssues,
  issuesLine,
  RANKED_REGISTRIES,
  type TPolicyRuleRef,
  ZPolicyRuleUri,
} from "@aios/contracts";
import { CliUsageError } from "./io";
import { objectValue } from "./values";

export const RANKING_OPTIONS = {
  ranking: { type: "string" },
  "ranking-settings": { type: "string" },
} as const;

/**
 * `--ranking URI [--ranking-settings JSON]` as a search's `rankingPolicyRule` (a policy of kind
 * `ranking` orders the filter's matches and may drop some), undefined when not given. Only the
 * registries kept as spec documents rank, and only a search: a filter is needed.
 */
export function rankingRule(
  kind: string,
  values: { ranking?: string | undefined; "ranking-settings"?: string | undefined },
  hasFilter: boolean,
): TPolicyRuleRef | undefined {
  if (values.ranking === undefined) {
    if (values["ranking-settings"] !== undefined)
      throw new CliUsageError("--ranking-settings goes with --ranking");
    return undefined;
  }
  if (!(RANKED_REGISTRIES as readonly string[]).includes(kind)) {
    throw new CliUsageError(`--ranking orders ${RANKED_REGISTRIES.join(", ")}, not ${kind}`);
  }
  if (!hasFilter) throw new CliUsageError("--ranking orders the matches of a search: give --filter too");
  const uri = ZPolicyRuleUri.safeParse(values.ranking);
  if (!uri.success) throw new CliUsageError(issuesLine(fieldIssues(uri.error, "--ranking")));
  const settings = objectValue("--ranking-settings", values["ranking-settings"]);
  return { policyRuleURI: uri.data, ...(settings ? { settings } : {}) };
}
