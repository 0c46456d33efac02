import type { LucideIcon } from "lucide-react";
import type { ReactNode } from "react";
import { CodeBlock } from "./code-block";
import { Command } from "./command";

export function EmptyState({
  icon: Icon,
  title,
  description,
  command,
  hint,
  example,
  exampleFile,
}: {
  icon: LucideIcon;
  title: string;
  description: ReactNode;
  /** The exact CLI command that populates this view. */
  command?: string;
  hint?: ReactNode;
  /** An example document for the command, shown as JSON under `exampleFile`. */
  example?: unknown;
  exampleFile?: string;
}) {
  return (
    <div className="flex flex-col items-center px-6 py-14 text-center" data-testid="empty-state">
      <div className="flex size-11 items-center justify-center rounded-full bg-accent-50 text-accent-600 ring-8 ring-accent-50/50">
        <Icon className="size-5" />
      </div>
      <h3 className="mt-4 text-sm font-semibold text-zinc-900">{title}</h3>
      <p className="mt-1 max-w-md text-sm text-zinc-500">{description}</p>
      {command ? (
        <div className="mt-5 w-full max-w-xl">
          <Command command={command} />
        </div>
      ) : null}
      {hint ? <p className="mt-3 max-w-xl text-xs text-zinc-500">{hint}</p> : null}
      {example ? (
        <div className="mt-4 w-full max-w-xl text-left">
          <p className="mb-1.5 font-mono text-xs text-zinc-500">{exampleFile}</p>
          <CodeBlock value={example} maxHeight="16rem" />
        </div>
      ) : null}
    </div>
  );
}
