import type { LucideIcon } from "lucide-react";
import type { ReactNode } from "react";
import { cn } from "@/lib/cn";

const KINDS = {
  empty: {
    panel: "py-14",
    icon: "bg-accent-50 text-accent-600 ring-accent-50/50",
    message: "max-w-md text-sm",
    attrs: { "data-testid": "empty-state" },
  },
  error: {
    panel: "py-12",
    icon: "bg-red-50 text-red-600 ring-red-50/50",
    message: "max-w-lg break-words font-mono text-xs",
    attrs: { "data-testid": "error-state", role: "alert" },
  },
} as const;

/** The centred icon, title and message of an empty or error state; `children` go underneath. */
export function StatePanel({
  kind,
  icon: Icon,
  title,
  message,
  children,
}: {
  kind: keyof typeof KINDS;
  icon: LucideIcon;
  title: string;
  message: ReactNode;
  children?: ReactNode;
}) {
  const k = KINDS[kind];
  return (
    <div className={cn("flex flex-col items-center px-6 text-center", k.panel)} {...k.attrs}>
      <div className={cn("flex size-11 items-center justify-center rounded-full ring-8", k.icon)}>
        <Icon className="size-5" />
      </div>
      <h3 className="mt-4 text-sm font-semibold text-zinc-900">{title}</h3>
      <p className={cn("mt-1 text-zinc-500", k.message)}>{message}</p>
      {children}
    </div>
  );
}
