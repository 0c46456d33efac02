"use client";

import { useQuery } from "@tanstack/react-query";
import { useParams } from "next/navigation";
import { CommandsTable } from "@/components/components/commands-table";
import { ComponentDefaults } from "@/components/components/component-defaults";
import { ComponentSummary } from "@/components/components/component-summary";
import { PoliciesTable } from "@/components/components/policies-table";
import { ProtocolTable } from "@/components/components/protocol-table";
import { Page, PageHeading } from "@/components/layout/page";
import { BackLink } from "@/components/ui/back-link";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { CodeBlock } from "@/components/ui/code-block";
import { DetailSkeleton } from "@/components/ui/detail-skeleton";
import { QueryView } from "@/components/ui/query-view";
import { decodeParam } from "@/lib/routes";
import { useTRPC } from "@/trpc/react";

const PROTOCOLS = [
  { key: "componentInputProtocol", title: "Input protocol", testId: "input-protocol" },
  { key: "componentOutputProtocol", title: "Output protocol", testId: "output-protocol" },
  { key: "componentInitSettingsProtocol", title: "Init settings protocol", testId: "settings-protocol" },
  { key: "componentInitParametersProtocol", title: "Parameters protocol", testId: "parameters-protocol" },
] as const;

export default function ComponentPage() {
  const componentURI = decodeParam(useParams<{ uri: string }>().uri);
  const trpc = useTRPC();
  const component = useQuery(trpc.components.get.queryOptions({ componentURI }));
  return (
    <Page>
      <BackLink href="/components" label="Components" />
      <QueryView query={component} skeleton={<DetailSkeleton />}>
        {(c) => (
          <>
            <PageHeading
              title={<span className="font-mono">{c.componentURI}</span>}
              subtitle={`${c.componentType} component`}
            />
            <ComponentSummary component={c} />
            <div className="grid gap-6 xl:grid-cols-2">
              {PROTOCOLS.map((p) => (
                <Card key={p.key} className="overflow-hidden">
                  <CardHeader title={p.title} />
                  <ProtocolTable template={c.doc[p.key]} testId={p.testId} />
                </Card>
              ))}
            </div>
            <ComponentDefaults doc={c.doc} />
            <div className="grid gap-6 xl:grid-cols-2">
              <Card className="overflow-hidden">
                <CardHeader title="Management commands" description="Sent to a running block's instances" />
                <CommandsTable commands={c.doc.componentManagementCommandsTemplate} />
              </Card>
              <Card className="overflow-hidden">
                <CardHeader title="Policies" />
                <PoliciesTable policies={c.doc.policies} />
              </Card>
            </div>
            <Card>
              <CardHeader title="Raw spec" description="The registerComponent values as submitted" />
              <CardBody>
                <CodeBlock value={c.doc} />
              </CardBody>
            </Card>
          </>
        )}
      </QueryView>
    </Page>
  );
}
