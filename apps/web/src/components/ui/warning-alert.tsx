import { AlertTriangle } from "lucide-react";
import type { ReactNode } from "react";

/** A warning in a card: what went wrong in bold (`title`), then the details. */
export function WarningAlert({
  title,
  testId,
  children,
}: {
  title: string;
  testId: string;
  children: ReactNode;
}) {
  return (
    <div
      role="alert"
      className="flex items-start gap-2 rounded-lg border border-amber-200 bg-amber-50 px-3 py-2 text-sm text-amber-900"
      data-testid={testId}
    >
      <AlertTriangle className="mt-0.5 size-4 shrink-0" aria-hidden />
      <span>
        <span className="font-medium">{title} </span>
        {children}
      </span>
    </div>
  );
}
