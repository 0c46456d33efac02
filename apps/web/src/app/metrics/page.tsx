"use client";

import { METRIC_ENTITIES, type TMetricEntity, type TMetricStore } from "@aios/contracts";
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
import { WarningAlert } from "@/components/ui/warning-alert";
import {
  METRICS_STORES,
  type MetricsForm,
  metricsCommandOf,
  metricsQueryOf,
  NO_METRICS_FORM,
} from "@/lib/metrics/metrics-query";
import { useTRPC } from "@/trpc/react";

/**
 * Metrics: each cluster's, node's, block's, instance's or vDAG's current figures (`metrics.query`),
 * filtered with the filter language and its aggregates over arrays, refreshed every 10 s; from the
 * global history or from one cluster's own store (its nodes' recent samples, naming those silent).
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
  const missingNodes = useQuery(
    trpc.metrics.query.queryOptions("query" in asked ? asked.query : { entity: "node" }, {
      enabled: "query" in asked,
      select: (r) => r.missingNodes ?? [],
    }),
  ).data;
  /** A change of entity or store applies at once when the form is complete. */
  const pick = (next: MetricsForm) => {
    setDraft(next);
    if (!("error" in metricsQueryOf(next))) setApplied(next);
  };

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
            onChange={(e) => pick({ ...draft, entity: e.target.value as TMetricEntity })}
            options={METRIC_ENTITIES.map((value) => ({ value }))}
          />
          <OptionSelect
            aria-label="Store"
            data-testid="metrics-store"
            value={draft.store ?? "global"}
            onChange={(e) => pick({ ...draft, store: e.target.value as TMetricStore })}
            options={METRICS_STORES}
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
      {missingNodes?.length ? (
        <WarningAlert title="Nodes that did not answer:" testId="metrics-missing-nodes">
          {missingNodes.join(", ")}: their samples are missing (agent stopped, lost, or slower than 2 s).
        </WarningAlert>
      ) : null}
      <RegistryCard
        title={`${applied.entity} metrics${applied.store === "cluster" ? ` (cluster store of ${applied.clusterId.trim()})` : ""}`}
        noun={applied.entity}
        countLabel={(n) => `${n} ${applied.entity}${n === 1 ? "" : "s"}${truncated ? ", more match" : ""}`}
        query={query}
        table={METRICS_TABLE}
        empty={{
          icon: Activity,
          title: `No ${applied.entity} matches`,
          description:
            applied.store === "cluster"
              ? "None has these figures in the cluster's store now (its nodes keep the last 15 minutes). The same query from the CLI:"
              : "None has these figures now. The same query from the CLI:",
          command: metricsCommandOf(applied),
        }}
      />
      <Command command={metricsCommandOf(applied)} />
    </Page>
  );
}
