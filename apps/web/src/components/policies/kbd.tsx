import { cn } from "@/lib/cn";

const MAC = typeof navigator !== "undefined" && /Mac|iPhone|iPad/.test(navigator.platform);

/** The editor's shortcuts as the platform spells them (⌘ on Apple, Ctrl elsewhere). */
export const SHORTCUTS = {
  run: [MAC ? "⌘" : "Ctrl", "↵"],
  save: [MAC ? "⌘" : "Ctrl", "S"],
} as const;

export function Kbd({ keys, className }: { keys: readonly string[]; className?: string }) {
  return (
    <kbd
      className={cn(
        "inline-flex items-center gap-0.5 rounded px-1 font-sans text-[10px] font-medium ring-1 ring-inset",
        "bg-zinc-100 text-zinc-500 ring-zinc-200",
        className,
      )}
    >
      {keys.join(MAC ? "" : "+")}
    </kbd>
  );
}
