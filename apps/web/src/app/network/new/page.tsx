"use client";

import { Page, PageHeading } from "@/components/layout/page";
import { OnboardCluster } from "@/components/network/onboard-cluster";
import { BackLink } from "@/components/ui/back-link";

export default function OnboardClusterPage() {
  return (
    <Page>
      <BackLink href="/network" label="Network" />
      <PageHeading
        title="Onboard cluster"
        subtitle="Add a cluster to the network from a createCluster spec."
      />
      <OnboardCluster />
    </Page>
  );
}
