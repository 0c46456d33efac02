"use client";

import { Page, PageHeading } from "@/components/layout/page";
import { Counts } from "@/components/overview/counts";
import { GettingStarted } from "@/components/overview/getting-started";
import { HealthDetails } from "@/components/overview/health-details";

export default function OverviewPage() {
  return (
    <Page>
      <PageHeading title="Overview" subtitle="Everything registered in this AIOS network." />
      <Counts />
      <div className="grid gap-6 lg:grid-cols-5">
        <div className="lg:col-span-3">
          <HealthDetails />
        </div>
        <div className="lg:col-span-2">
          <GettingStarted />
        </div>
      </div>
    </Page>
  );
}
