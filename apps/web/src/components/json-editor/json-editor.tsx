"use client";

import dynamic from "next/dynamic";
import { Skeleton } from "@/components/ui/skeleton";
import type { JsonEditorProps } from "./types";

export type { EditorProblem, JsonEditorHandle, JsonEditorProps } from "./types";

function EditorSkeleton({ height = "26rem" }: { height?: string }) {
  return (
    <div className="space-y-2 p-3" style={{ height }} role="status" aria-label="Loading the editor">
      <Skeleton className="h-4 w-1/3" />
      <Skeleton className="h-4 w-1/2" />
      <Skeleton className="h-4 w-2/5" />
    </div>
  );
}

const MonacoJsonEditor = dynamic(() => import("./monaco-json-editor"), {
  ssr: false,
  loading: () => <EditorSkeleton />,
});

/**
 * A JSON editor (Monaco, bundled: no CDN) with JSON Schema diagnostics as you type. Monaco and its
 * workers load with the first editor on a page; the page renders a skeleton until then.
 */
export function JsonEditor(props: JsonEditorProps) {
  return (
    <div
      className="overflow-hidden rounded-md border border-zinc-200 bg-white focus-within:border-accent-500 focus-within:ring-2 focus-within:ring-accent-100"
      data-testid="json-editor"
    >
      <MonacoJsonEditor {...props} />
    </div>
  );
}
