import type { ReactNode } from "react";
import { cn } from "@/lib/cn";

export interface Field {
  label: string;
  value: ReactNode;
  mono?: boolean;
}

/** Label/value pairs of a record, in a responsive grid. */
export function FieldList({ fields, className }: { fields: Field[]; className?: string }) {
  return (
    <dl className={cn("grid grid-cols-1 gap-x-8 gap-y-4 sm:grid-cols-2 lg:grid-cols-3", className)}>
      {fields.map((f) => (
        <div key={f.label} className="min-w-0">
          <dt className="text-xs font-medium uppercase tracking-wide text-zinc-400">{f.label}</dt>
          <dd className={cn("mt-1 break-words text-sm text-zinc-800", f.mono && "font-mono text-[13px]")}>
            {f.value ?? <span className="text-zinc-400">—</span>}
          </dd>
        </div>
      ))}
    </dl>
  );
}
