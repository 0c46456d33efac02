"use client";

import { METRIC_ENTITIES, type TMetricEntity } from "@aios/contracts";
import { useQuery } from "@tanstack/react-query";
import { Activity } from "lucide-react";
import { useState } from "react";
import { Page, PageHeading } from "@/components/layout/page";
import { METRICS_TABLE } from "@/components/metrics/metrics-table";
import { RegistryCard } from "@/components/registry/registry-card";
import { Button } from "@/components/ui/button";
import { Command } from "@/components/ui/command";
import { FormError, OptionSelect, Textarea } from "@/components/ui/input";
import { SearchInput } from "@/components/ui/search-input";
import {
  type MetricsForm,
  metricsCommandOf,
  metricsQueryOf,
  NO_METRICS_FORM,
} from "@/lib/metrics/metrics-query";
import { useTRPC } from "@/trpc/react";

/**
 * Metrics: each cluster's, node's, block's, instance's or vDAG's current figures (`metrics.query`),
 * filtered with the filter language and its aggregates over arrays, refreshed every 10 s.
 */
export default function MetricsPage() {
  const trpc = useTRPC();
  const [draft, setDraft] = useState<MetricsForm>(NO_METRICS_FORM);
  const [applied, setApplied] = useState<MetricsForm>(NO_METRICS_FORM);
  const asked = metricsQueryOf(applied);
  const draftAsked = metricsQueryOf(draft);
  const draftError = "error" in draftAsked ? draftAsked.error : null;
  const query = useQuery(
    trpc.metrics.query.queryOptions("query" in asked ? asked.query : { entity: "node" }, {
      enabled: "query" in asked,
      refetchInterval: 10_000,
      select: (r) => r.rows,
    }),
  );
  const truncated = useQuery(
    trpc.metrics.query.queryOptions("query" in asked ? asked.query : { entity: "node" }, {
      enabled: "query" in asked,
      select: (r) => r.truncated,
    }),
  ).data;

  return (
    <Page>
      <PageHeading
        title="Metrics"
        subtitle="The current figures of every cluster, node, block, instance and vDAG, from the agents' heartbeats and reports. Policies read the same with ctx.query."
      />
      <form
        className="space-y-2"
        onSubmit={(e) => {
          e.preventDefault();
          if (!draftError) setApplied(draft);
        }}
      >
        <div className="flex flex-wrap items-center gap-2">
          <OptionSelect
            aria-label="Entity"
            data-testid="metrics-entity"
            value={draft.entity}
            onChange={(e) => {
              const next = { ...draft, entity: e.target.value as TMetricEntity };
              setDraft(next);
              if (!("error" in metricsQueryOf(next))) setApplied(next);
            }}
            options={METRIC_ENTITIES.map((value) => ({ value }))}
          />
          <SearchInput
            value={draft.clusterId}
            onChange={(clusterId) => setDraft({ ...draft, clusterId })}
            placeholder="Cluster"
          />
        </div>
        <Textarea
          aria-label="Filter"
          data-testid="metrics-filter"
          rows={2}
          value={draft.filter}
          onChange={(e) => setDraft({ ...draft, filter: e.target.value })}
          placeholder='{"variable":"load15m","operator":"<","value":2} or {"aggOperator":"avg","target":"nodes.load15m","operator":"<","value":2}'
        />
        <div className="flex items-center gap-3">
          <Button size="sm" type="submit" disabled={draftError !== null} data-testid="metrics-apply">
            Apply
          </Button>
          {draftError ? <FormError testId="metrics-filter-error">{draftError}</FormError> : null}
        </div>
      </form>
      <RegistryCard
        title={`${applied.entity} metrics`}
        noun={applied.entity}
        countLabel={(n) => `${n} ${applied.entity}${n === 1 ? "" : "s"}${truncated ? ", more match" : ""}`}
        query={query}
        table={METRICS_TABLE}
        empty={{
          icon: Activity,
          title: `No ${applied.entity} matches`,
          description: "None has these figures now. The same query from the CLI:",
          command: metricsCommandOf(applied),
        }}
      />
      <Command command={metricsCommandOf(applied)} />
    </Page>
  );
}
