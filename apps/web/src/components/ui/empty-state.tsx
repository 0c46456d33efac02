import type { LucideIcon } from "lucide-react";
import type { ReactNode } from "react";
import { CodeBlock } from "./code-block";
import { Command } from "./command";
import { StatePanel } from "./state-panel";

export interface EmptyStateProps {
  icon: LucideIcon;
  title: string;
  description: ReactNode;
  /** The exact CLI command that populates this view. */
  command?: string;
  hint?: ReactNode;
  /** An example document for the command, shown as JSON under `exampleFile`. */
  example?: unknown;
  exampleFile?: string;
}

export function EmptyState({
  icon,
  title,
  description,
  command,
  hint,
  example,
  exampleFile,
}: EmptyStateProps) {
  return (
    <StatePanel kind="empty" icon={icon} title={title} message={description}>
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
    </StatePanel>
  );
}
