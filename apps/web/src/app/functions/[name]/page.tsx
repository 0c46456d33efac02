"use client";

import { useQuery } from "@tanstack/react-query";
import { functionView } from "@/components/functions/function-view";
import { RecordDetail } from "@/components/registry/record-detail";
import { useRouteParam } from "@/hooks/use-route-param";
import { useTRPC } from "@/trpc/react";

export default function FunctionPage() {
  const name = useRouteParam("name");
  const trpc = useTRPC();
  // Replica states change as the agent starts and stops them: poll while the page is open, but not
  // once it is being removed (it is soon gone).
  const fn = useQuery(
    trpc.functions.get.queryOptions(
      { name },
      { refetchInterval: (q) => (q.state.data?.status === "removing" ? false : 2_000) },
    ),
  );
  return <RecordDetail back={{ href: "/functions", label: "Functions" }} query={fn} view={functionView} />;
}
