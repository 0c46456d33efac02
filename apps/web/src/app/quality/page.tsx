"use client";

import { QUALITY_AUDIT_STATUSES } from "@aios/contracts";
import { useQuery } from "@tanstack/react-query";
import { ClipboardCheck } from "lucide-react";
import { useState } from "react";
import { Page, PageHeading } from "@/components/layout/page";
import { AUDIT_ITEM_TABLE } from "@/components/quality/audit-item-table";
import { RegistryCard } from "@/components/registry/registry-card";
import { Button } from "@/components/ui/button";
import { SearchInput } from "@/components/ui/search-input";
import { SelectFilter } from "@/components/ui/select-filter";
import { useTRPC } from "@/trpc/react";

const PAGE_SIZE = 50;

/**
 * The manual audit queue: samples a vDAG's quality policy routed to `manual` (pending first by
 * default), each opened to compare its input and output and record pass or fail.
 */
export default function QualityAuditPage() {
  const trpc = useTRPC();
  const [status, setStatus] = useState<string>("pending");
  const [vdagURI, setVdagURI] = useState("");
  // The last item of each page seen, to page on with `before`.
  const [cursors, setCursors] = useState<string[]>([]);
  const before = cursors.at(-1);
  const query = useQuery(
    trpc.quality.auditItems.queryOptions(
      {
        limit: PAGE_SIZE,
        ...(status ? { status: status as (typeof QUALITY_AUDIT_STATUSES)[number] } : {}),
        ...(vdagURI.trim() ? { vdagURI: vdagURI.trim() } : {}),
        ...(before ? { before } : {}),
      },
      { refetchInterval: 10_000, staleTime: 2_000 },
    ),
  );
  const restart = () => setCursors([]);
  const last = query.data?.at(-1)?.id;
  const cli = `npx aios quality list${status ? ` --status ${status}` : ""}${vdagURI.trim() ? ` --vdag ${vdagURI.trim()}` : ""}`;
  return (
    <Page>
      <PageHeading
        title="Quality audit"
        subtitle="Samples the vDAGs' quality policies sent for a person to judge: compare input and output, record pass or fail with a note."
      />
      <RegistryCard
        title={status ? `${status[0]?.toUpperCase()}${status.slice(1)} samples` : "All samples"}
        noun="sample"
        query={query}
        table={AUDIT_ITEM_TABLE}
        actions={
          <div className="flex flex-wrap items-center gap-2">
            <SearchInput
              value={vdagURI}
              onChange={(v) => {
                setVdagURI(v);
                restart();
              }}
              placeholder="vDAG URI"
            />
            <SelectFilter
              label="Status"
              value={status}
              onChange={(v) => {
                setStatus(v);
                restart();
              }}
              options={[...QUALITY_AUDIT_STATUSES]}
              allLabel="any status"
              testId="quality-status-filter"
            />
          </div>
        }
        empty={{
          icon: ClipboardCheck,
          title: status === "pending" ? "Nothing to review" : "No samples",
          description:
            'A vDAG\'s qualityChecker policy sends a sample here by returning { route: "manual" }. The same list from the CLI:',
          command: cli,
        }}
        footer={
          <div className="flex justify-end gap-2 border-t border-zinc-100 px-5 py-3">
            <Button
              size="sm"
              disabled={cursors.length === 0}
              onClick={() => setCursors((c) => c.slice(0, -1))}
            >
              Newer
            </Button>
            <Button
              size="sm"
              disabled={!last || (query.data?.length ?? 0) < PAGE_SIZE}
              onClick={() => last && setCursors((c) => [...c, last])}
            >
              Older
            </Button>
          </div>
        }
      />
    </Page>
  );
}
