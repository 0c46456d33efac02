"use client";

import { AUDIT_OUTCOMES } from "@aios/contracts";
import { useQuery } from "@tanstack/react-query";
import { ScrollText } from "lucide-react";
import { useMemo, useState } from "react";
import { AUDIT_TABLE } from "@/components/audit/audit-table";
import { Page, PageHeading } from "@/components/layout/page";
import { RegistryCard } from "@/components/registry/registry-card";
import { Button } from "@/components/ui/button";
import { Command } from "@/components/ui/command";
import { SearchInput } from "@/components/ui/search-input";
import { SelectFilter } from "@/components/ui/select-filter";
import {
  AUDIT_PAGE_SIZE,
  type AuditFilters,
  auditCommandOf,
  auditQueryOf,
  NO_AUDIT_FILTERS,
  SINCE_CHOICES,
} from "@/lib/audit/audit-query";
import { useTRPC } from "@/trpc/react";

/**
 * The audit (admins only: the API refuses other roles, and the page shows that refusal): every
 * change, run, invoke, dry run and management command, refusals and failures included.
 */
export default function AuditPage() {
  const trpc = useTRPC();
  const [filters, setFilters] = useState<AuditFilters>(NO_AUDIT_FILTERS);
  const [page, setPage] = useState(0);
  // One time window per filter choice: the query's key stays put while it refetches.
  const input = useMemo(() => auditQueryOf(filters, page, new Date()), [filters, page]);
  const query = useQuery(trpc.auditEvents.list.queryOptions(input, { refetchInterval: 10_000 }));
  const set = (patch: Partial<AuditFilters>) => {
    setFilters((f) => ({ ...f, ...patch }));
    setPage(0);
  };
  const full = (query.data?.length ?? 0) === AUDIT_PAGE_SIZE;

  return (
    <Page>
      <PageHeading
        title="Audit"
        subtitle="Every change, run, invoke and management command: who, what, on what, and how it ended. Admins only."
      />
      <RegistryCard
        title={page === 0 ? "Newest events" : `Events, page ${page + 1}`}
        noun="event"
        countLabel={(n) => `${n} event${n === 1 ? "" : "s"}${n === AUDIT_PAGE_SIZE ? " on this page" : ""}`}
        query={query}
        table={AUDIT_TABLE}
        actions={
          <div className="flex flex-wrap items-center gap-2">
            <SelectFilter
              label="Since"
              value={filters.since}
              onChange={(since) => set({ since })}
              options={[...SINCE_CHOICES]}
              allLabel="all time"
              testId="audit-since"
            />
            <SearchInput
              value={filters.principal}
              onChange={(principal) => set({ principal })}
              placeholder="Principal"
            />
            <SearchInput
              value={filters.action}
              onChange={(action) => set({ action })}
              placeholder="Action (blocks.*)"
            />
            <SelectFilter
              label="Outcome"
              value={filters.outcome}
              onChange={(outcome) => set({ outcome: outcome as AuditFilters["outcome"] })}
              options={[...AUDIT_OUTCOMES]}
              allLabel="any outcome"
              testId="audit-outcome-filter"
            />
          </div>
        }
        empty={{
          icon: ScrollText,
          title: "No events",
          description: "Nothing matches these filters. The same query from the CLI:",
          command: auditCommandOf(filters),
        }}
      />
      <div className="flex items-center justify-between">
        <Command command={auditCommandOf(filters)} />
        <div className="flex gap-2">
          <Button size="sm" disabled={page === 0} onClick={() => setPage((p) => p - 1)}>
            Newer
          </Button>
          <Button size="sm" disabled={!full} onClick={() => setPage((p) => p + 1)}>
            Older
          </Button>
        </div>
      </div>
    </Page>
  );
}
