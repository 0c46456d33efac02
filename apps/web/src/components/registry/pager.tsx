"use client";

import { LIST_PAGE_SIZE } from "@aios/contracts";
import { ChevronLeft, ChevronRight } from "lucide-react";
import { Button } from "@/components/ui/button";

/** Previous and Next under a paged list, with the rows shown ("Rows 51–100"). */
export function Pager({
  offset,
  shown,
  more,
  loading,
  go,
}: {
  offset: number;
  /** Rows on this page. */
  shown: number;
  /** Whether a next page exists. */
  more: boolean;
  /** The next page is on its way (the current one stays meanwhile). */
  loading: boolean;
  go: (offset: number) => void;
}) {
  return (
    <div
      className="flex items-center justify-between gap-4 border-t border-zinc-100 px-5 py-3 text-sm text-zinc-500"
      data-testid="pager"
      aria-busy={loading}
    >
      <span data-testid="pager-range">
        Rows {offset + 1}–{offset + shown}
      </span>
      <div className="flex items-center gap-2">
        <Button
          size="sm"
          disabled={offset === 0 || loading}
          onClick={() => go(Math.max(0, offset - LIST_PAGE_SIZE))}
          data-testid="pager-previous"
        >
          <ChevronLeft />
          Previous
        </Button>
        <Button
          size="sm"
          disabled={!more || loading}
          onClick={() => go(offset + LIST_PAGE_SIZE)}
          data-testid="pager-next"
        >
          Next
          <ChevronRight />
        </Button>
      </div>
    </div>
  );
}
