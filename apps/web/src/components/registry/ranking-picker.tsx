"use client";

import { MAX_PAGE_LIMIT } from "@aios/contracts";
import { useQuery } from "@tanstack/react-query";
import { SelectFilter } from "@/components/ui/select-filter";
import { useTRPC } from "@/trpc/react";

/**
 * The registered ranking policies (kind `ranking`) to order a registry search by; "" is the
 * registry's own order. The search hands the chosen policy the matches (at most MAX_RANKING_ROWS)
 * with its stored settings, and shows what it answers, best first.
 */
export function RankingPicker({ value, onChange }: { value: string; onChange: (uri: string) => void }) {
  const trpc = useTRPC();
  const policies = useQuery(trpc.policies.list.queryOptions({ kind: "ranking", limit: MAX_PAGE_LIMIT }));
  const options = (policies.data ?? []).map((p) => p.policyRuleURI);
  // The chosen policy stays an option while the list loads (or after it went).
  if (value && !options.includes(value)) options.unshift(value);
  return (
    <SelectFilter
      label="Order by a ranking policy"
      value={value}
      onChange={onChange}
      options={options}
      allLabel="Registry order"
      testId="ranking-policy"
    />
  );
}
