"use client";

import { AlertTriangle, RotateCw } from "lucide-react";
import { Button } from "./button";

export function ErrorState({
  title = "Could not load this data",
  error,
  onRetry,
  retrying,
}: {
  title?: string;
  error: unknown;
  onRetry?: () => void;
  retrying?: boolean;
}) {
  const message = error instanceof Error ? error.message : String(error);
  return (
    <div className="flex flex-col items-center px-6 py-12 text-center" role="alert" data-testid="error-state">
      <div className="flex size-11 items-center justify-center rounded-full bg-red-50 text-red-600 ring-8 ring-red-50/50">
        <AlertTriangle className="size-5" />
      </div>
      <h3 className="mt-4 text-sm font-semibold text-zinc-900">{title}</h3>
      <p className="mt-1 max-w-lg break-words font-mono text-xs text-zinc-500">{message}</p>
      {onRetry ? (
        <Button className="mt-5" size="sm" onClick={onRetry} disabled={retrying}>
          <RotateCw className={retrying ? "animate-spin" : undefined} />
          Retry
        </Button>
      ) : null}
    </div>
  );
}
