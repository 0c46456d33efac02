"use client";

import { useQuery } from "@tanstack/react-query";
import { useParams } from "next/navigation";
import { Page } from "@/components/layout/page";
import { RecordDetail } from "@/components/registry/record-detail";
import { BackLink } from "@/components/ui/back-link";
import { Badge } from "@/components/ui/badge";
import { DetailSkeleton } from "@/components/ui/detail-skeleton";
import { QueryView } from "@/components/ui/query-view";
import { TagList } from "@/components/ui/tag-list";
import { formatDateTime } from "@/lib/format";
import { decodeParam } from "@/lib/routes";
import { useTRPC } from "@/trpc/react";

export default function PolicyPage() {
  const policyRuleURI = decodeParam(useParams<{ uri: string }>().uri);
  const trpc = useTRPC();
  const policy = useQuery(trpc.policies.get.queryOptions({ policyRuleURI }));
  return (
    <Page>
      <BackLink href="/policies" label="Policies" />
      <QueryView query={policy} skeleton={<DetailSkeleton />}>
        {(p) => (
          <RecordDetail
            title={p.policyRuleURI}
            subtitle={p.description ?? "Policy rule"}
            actions={
              <Badge tone="accent" className="font-mono">
                {p.kind}
              </Badge>
            }
            docTitle="The createPolicy values as submitted"
            doc={p.doc}
            fields={[
              { label: "Name", value: p.name, mono: true },
              { label: "Version", value: `${p.version} (${p.releaseTag})`, mono: true },
              { label: "Kind", value: p.kind, mono: true },
              { label: "Tags", value: <TagList tags={p.tags} /> },
              { label: "Created", value: formatDateTime(p.createdAt) },
            ]}
          />
        )}
      </QueryView>
    </Page>
  );
}
