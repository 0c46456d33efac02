"use client";

import { CopyButton } from "@/components/ui/copy-button";
import { shortDigest } from "@/lib/assets/asset-format";

/** A SHA-256 shortened (the full digest on hover) and a button copying it whole. */
export function Digest({ sha256, full = false }: { sha256: string; full?: boolean }) {
  return (
    <span className="inline-flex items-center gap-1">
      <span title={sha256} className={full ? "break-all" : undefined} data-testid="asset-sha256">
        {full ? sha256 : shortDigest(sha256)}
      </span>
      {/* biome-ignore lint/a11y/noStaticElementInteractions: keeps a copy from opening the row's page */}
      {/* biome-ignore lint/a11y/useKeyWithClickEvents: the button inside takes the keyboard */}
      <span onClick={(e) => e.stopPropagation()}>
        <CopyButton text={sha256} className="text-zinc-400 hover:bg-zinc-100 hover:text-zinc-700" />
      </span>
    </span>
  );
}
