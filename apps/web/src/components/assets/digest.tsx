"use client";

import { CopyButton } from "@/components/ui/copy-button";
import { shortDigest } from "@/lib/assets/asset-format";

/** A SHA-256 shortened, the full digest on hover and a button copying it (the row's link stays put). */
export function Digest({ sha256, full = false }: { sha256: string; full?: boolean }) {
  return (
    // biome-ignore lint/a11y/noStaticElementInteractions: stops the row's navigation, the button does the work
    // biome-ignore lint/a11y/useKeyWithClickEvents: the copy button inside handles the keyboard
    <span className="inline-flex items-center gap-1" onClick={(e) => e.stopPropagation()}>
      <span title={sha256} className={full ? "break-all" : undefined} data-testid="asset-sha256">
        {full ? sha256 : shortDigest(sha256)}
      </span>
      <CopyButton text={sha256} className="text-zinc-400 hover:bg-zinc-100 hover:text-zinc-700" />
    </span>
  );
}
