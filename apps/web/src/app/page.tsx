"use client";

import { useState } from "react";
import { Page, PageHeading } from "@/components/layout/page";
import { LiveBadge } from "@/components/live/live-badge";
import { BlockActivity } from "@/components/overview/block-activity";
import { Counts } from "@/components/overview/counts";
import { GettingStarted } from "@/components/overview/getting-started";
import { HealthDetails } from "@/components/overview/health-details";
import type { BlockStatusEvent } from "@/lib/live/block-status";
import { useLiveBlockStatus } from "@/lib/live/use-live-block-status";

const ACTIVITY_SHOWN = 8;

export default function OverviewPage() {
  const [events, setEvents] = useState<BlockStatusEvent[]>([]);
  // Keeps the block counts ("n running") current between polls, and feeds the activity card.
  const live = useLiveBlockStatus({
    onEvent: (e) => setEvents((prev) => [e, ...prev].slice(0, ACTIVITY_SHOWN)),
  });
  return (
    <Page>
      <PageHeading
        title="Overview"
        subtitle="Everything registered in this AIOS network."
        actions={<LiveBadge state={live.state} />}
      />
      <Counts />
      <div className="grid gap-6 lg:grid-cols-5">
        <div className="space-y-6 lg:col-span-3">
          <HealthDetails />
          <BlockActivity events={events} />
        </div>
        <div className="lg:col-span-2">
          <GettingStarted />
        </div>
      </div>
    </Page>
  );
}
