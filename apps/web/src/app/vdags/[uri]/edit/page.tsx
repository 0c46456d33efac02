"use client";

import { useQuery } from "@tanstack/react-query";
import { useMemo } from "react";
import { Page } from "@/components/layout/page";
import { BackLink } from "@/components/ui/back-link";
import { ErrorState } from "@/components/ui/error-state";
import { EditorSkeleton, VdagEditorLoader } from "@/components/vdags/editor/editor-loader";
import { useRouteParam } from "@/hooks/use-route-param";
import { routes } from "@/lib/routes";
import { documentOfStored } from "@/lib/vdag/document";
import { useTRPC } from "@/trpc/react";

/** The editor prefilled with a stored vDAG's spec (loaded once: no refetch under the user's edits). */
export default function EditVdagPage() {
  const vdagURI = useRouteParam("uri");
  const trpc = useTRPC();
  const vdag = useQuery(
    trpc.vdags.get.queryOptions(
      { vdagURI },
      { staleTime: Number.POSITIVE_INFINITY, refetchOnWindowFocus: false },
    ),
  );
  const initial = useMemo(() => (vdag.data ? documentOfStored(vdag.data.doc) : undefined), [vdag.data]);
  if (vdag.data && initial) return <VdagEditorLoader initial={initial} source={vdag.data} />;
  if (vdag.isError) {
    return (
      <Page>
        <BackLink href={routes.vdag(vdagURI)} label="vDAG" />
        <ErrorState error={vdag.error} onRetry={() => void vdag.refetch()} retrying={vdag.isFetching} />
      </Page>
    );
  }
  return <EditorSkeleton />;
}
