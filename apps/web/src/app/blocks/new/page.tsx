"use client";

import { useSearchParams } from "next/navigation";
import { Suspense } from "react";
import { CreateBlock } from "@/components/blocks/create-block";
import { Page, PageHeading } from "@/components/layout/page";
import { BackLink } from "@/components/ui/back-link";

function CreateBlockFromQuery() {
  // `?component=<uri>`: the component page's "Create block" preselects its component.
  const component = useSearchParams().get("component") ?? undefined;
  return <CreateBlock componentURI={component} />;
}

export default function CreateBlockPage() {
  return (
    <Page>
      <BackLink href="/blocks" label="Blocks" />
      <PageHeading title="Create block" subtitle="Deploy a registered component on a cluster." />
      <Suspense>
        <CreateBlockFromQuery />
      </Suspense>
    </Page>
  );
}
