"use client";

import type { TVdagRecord } from "@aios/spec";
import { useQuery } from "@tanstack/react-query";
import { RecordDetail, type RecordView } from "@/components/registry/record-detail";
import { StatusBadge } from "@/components/ui/badge";
import { useRouteParam } from "@/hooks/use-route-param";
import { formatDateTime } from "@/lib/format";
import { useTRPC } from "@/trpc/react";

const vdagView = (v: TVdagRecord): RecordView => ({
  title: v.vdagURI,
  subtitle: "vDAG",
  actions: <StatusBadge status={v.status} />,
  doc: v.doc,
  docTitle: "The createvDAG values as submitted",
  fields: [
    { label: "Name", value: v.vdagName },
    { label: "Version", value: `${v.version} (${v.releaseTag})`, mono: true },
    { label: "Created", value: formatDateTime(v.createdAt) },
    { label: "Updated", value: formatDateTime(v.updatedAt) },
  ],
});

export default function VdagPage() {
  const vdagURI = useRouteParam("uri");
  const trpc = useTRPC();
  const vdag = useQuery(trpc.vdags.get.queryOptions({ vdagURI }, { refetchInterval: 10_000 }));
  return <RecordDetail back={{ href: "/vdags", label: "vDAGs" }} query={vdag} view={vdagView} />;
}
