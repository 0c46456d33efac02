"use client";

import { useQuery } from "@tanstack/react-query";
import { Boxes, SearchX } from "lucide-react";
import { useState } from "react";
import { ComponentsTable, matchesFilter } from "@/components/components/components-table";
import { Page, PageHeading } from "@/components/layout/page";
import { Card, CardHeader } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { QueryView } from "@/components/ui/query-view";
import { SearchInput } from "@/components/ui/search-input";
import { CLI } from "@/lib/cli";
import { useTRPC } from "@/trpc/react";

export default function ComponentsPage() {
  const trpc = useTRPC();
  const components = useQuery(trpc.components.list.queryOptions({ limit: 1000 }));
  const [filter, setFilter] = useState("");
  return (
    <Page>
      <PageHeading
        title="Components"
        subtitle="Component specs in the registry: what a block can be instantiated from."
      />
      <Card className="overflow-hidden">
        <CardHeader
          title="Registry"
          description={components.data ? `${components.data.length} registered` : "Loading…"}
          actions={
            <SearchInput value={filter} onChange={setFilter} placeholder="Filter by URI, type or tag" />
          }
        />
        <QueryView query={components}>
          {(rows) => {
            if (rows.length === 0) {
              return (
                <EmptyState
                  icon={Boxes}
                  title="No components registered"
                  description="Register the example components (echo, sentiment, language detection, HTTP proxy):"
                  command={CLI.applyComponents}
                />
              );
            }
            const shown = rows.filter((c) => matchesFilter(c, filter));
            return shown.length === 0 ? (
              <EmptyState
                icon={SearchX}
                title="No component matches"
                description={`Nothing in the registry matches "${filter}".`}
              />
            ) : (
              <ComponentsTable components={shown} />
            );
          }}
        </QueryView>
      </Card>
    </Page>
  );
}
