import { CopyButton } from "./copy-button";

/** A shell command the user can copy, shown in empty states. */
export function Command({ command }: { command: string }) {
  return (
    <div className="flex max-w-full items-center gap-2 rounded-lg bg-zinc-950 py-1.5 pl-3 pr-1.5 text-left font-mono text-[12.5px] text-zinc-100">
      <span className="select-none text-zinc-500">$</span>
      <code className="min-w-0 flex-1 break-words">{command}</code>
      <CopyButton text={command} />
    </div>
  );
}
