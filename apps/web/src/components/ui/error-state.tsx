"use client";

import { AlertTriangle, RotateCw } from "lucide-react";
import { Button } from "./button";
import { StatePanel } from "./state-panel";

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
    <StatePanel kind="error" icon={AlertTriangle} title={title} message={message}>
      {onRetry ? (
        <Button className="mt-5" size="sm" onClick={onRetry} disabled={retrying}>
          <RotateCw className={retrying ? "animate-spin" : undefined} />
          Retry
        </Button>
      ) : null}
    </StatePanel>
  );
}
