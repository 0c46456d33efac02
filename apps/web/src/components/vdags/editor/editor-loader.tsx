"use client";

import dynamic from "next/dynamic";
import { Skeleton } from "@/components/ui/skeleton";

/**
 * The editor runs in the browser only: it reads node positions from localStorage and measures
 * the canvas, so a server render could only disagree with the first client render.
 */
export const VdagEditorLoader = dynamic(() => import("./vdag-editor").then((m) => m.VdagEditor), {
  ssr: false,
  loading: () => <EditorSkeleton />,
});

export function EditorSkeleton() {
  return (
    <div
      className="grid h-[calc(100vh-3.5rem)] grid-cols-[16rem_1fr_20rem] gap-px bg-zinc-200"
      role="status"
      aria-label="Loading the editor"
    >
      <div className="space-y-2 bg-white p-3">
        <Skeleton className="h-8" />
        <Skeleton className="h-10" />
        <Skeleton className="h-10" />
      </div>
      <div className="bg-zinc-50" />
      <div className="space-y-2 bg-white p-4">
        <Skeleton className="h-6 w-1/2" />
        <Skeleton className="h-8" />
      </div>
    </div>
  );
}
