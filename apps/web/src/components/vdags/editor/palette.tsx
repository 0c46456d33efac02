"use client";

import { Blocks, Plus, Workflow } from "lucide-react";
import { type DragEvent, memo, type ReactNode, useState } from "react";
import { statusTone } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Skeleton } from "@/components/ui/skeleton";
import type { Catalog } from "./use-catalog";

/** What a palette item makes when dropped (or added with its + button). */
export type PaletteItem = { nodeType: "block"; blockId: string } | { nodeType: "vdag"; vdagURI: string };

/** The drag data type of palette items; the canvas accepts only this. */
export const PALETTE_MIME = "application/x-aios-vdag-node";

export function readPaletteItem(e: DragEvent): PaletteItem | null {
  const raw = e.dataTransfer.getData(PALETTE_MIME);
  if (!raw) return null;
  try {
    const item = JSON.parse(raw) as PaletteItem;
    return item.nodeType === "block" || item.nodeType === "vdag" ? item : null;
  } catch {
    return null;
  }
}

/** Blocks and vDAGs, searchable; drag one onto the canvas, or press its + to add it. */
export const Palette = memo(function Palette({
  catalog,
  self,
  onAdd,
}: {
  catalog: Catalog;
  /** The edited vDAG's name: it cannot contain itself. */
  self: string;
  onAdd: (item: PaletteItem) => void;
}) {
  const [query, setQuery] = useState("");
  const q = query.trim().toLowerCase();
  const blocks = catalog.blocks.filter((b) => !q || `${b.id} ${b.componentURI}`.toLowerCase().includes(q));
  const vdags = catalog.vdags.filter(
    (v) => v.vdagName !== self && (!q || v.vdagURI.toLowerCase().includes(q)),
  );
  return (
    <aside
      className="flex min-h-0 flex-col border-r border-zinc-200 bg-white"
      aria-label="Palette"
      data-testid="palette"
    >
      <div className="border-b border-zinc-100 p-3">
        <input
          type="search"
          value={query}
          onChange={(e) => setQuery(e.target.value)}
          placeholder="Search blocks and vDAGs"
          aria-label="Search blocks and vDAGs"
          className="h-8 w-full rounded-md border border-zinc-200 bg-white px-2.5 text-sm shadow-xs outline-none placeholder:text-zinc-400 focus:border-accent-500 focus:ring-2 focus:ring-accent-100"
          data-testid="palette-search"
        />
        <p className="mt-2 text-[11px] leading-snug text-zinc-400">
          Drag onto the canvas, or press + to add.
        </p>
      </div>
      <div className="min-h-0 flex-1 overflow-y-auto pb-3">
        {catalog.error ? (
          <div className="p-3 text-xs text-red-700" role="alert">
            {catalog.error}
            <Button size="sm" className="mt-2" onClick={catalog.retry}>
              Retry
            </Button>
          </div>
        ) : null}
        <Group title="Blocks" loading={catalog.loading} empty={q ? "No block matches." : "No blocks yet."}>
          {blocks.map((b) => (
            <Item
              key={b.id}
              item={{ nodeType: "block", blockId: b.id }}
              testId={`palette-block-${b.id}`}
              title={b.id}
              subtitle={b.componentURI}
              status={b.status}
              onAdd={onAdd}
            />
          ))}
        </Group>
        <Group title="vDAGs" loading={catalog.loading} empty={q ? "No vDAG matches." : "No other vDAGs."}>
          {vdags.map((v) => (
            <Item
              key={v.vdagURI}
              item={{ nodeType: "vdag", vdagURI: v.vdagURI }}
              testId={`palette-vdag-${v.vdagURI}`}
              title={v.vdagURI}
              subtitle="nested vDAG"
              status={v.status}
              onAdd={onAdd}
            />
          ))}
        </Group>
      </div>
    </aside>
  );
});

function Group({
  title,
  loading,
  empty,
  children,
}: {
  title: string;
  loading: boolean;
  empty: string;
  children: ReactNode[];
}) {
  return (
    <section className="px-3 pt-3">
      <h4 className="mb-1.5 text-[11px] font-semibold uppercase tracking-wider text-zinc-400">{title}</h4>
      {loading ? (
        <div className="space-y-1.5" role="status" aria-label="Loading">
          <Skeleton className="h-10" />
          <Skeleton className="h-10" />
        </div>
      ) : children.length === 0 ? (
        <p className="text-xs text-zinc-400">{empty}</p>
      ) : (
        <ul className="space-y-1.5">{children}</ul>
      )}
    </section>
  );
}

function Item({
  item,
  testId,
  title,
  subtitle,
  status,
  onAdd,
}: {
  item: PaletteItem;
  testId: string;
  title: string;
  subtitle: string;
  status: string;
  onAdd: (item: PaletteItem) => void;
}) {
  const Icon = item.nodeType === "vdag" ? Workflow : Blocks;
  return (
    <li
      draggable
      onDragStart={(e) => {
        e.dataTransfer.setData(PALETTE_MIME, JSON.stringify(item));
        e.dataTransfer.effectAllowed = "copy";
      }}
      data-testid={testId}
      className="group flex cursor-grab items-center gap-2 rounded-md border border-zinc-200 bg-white px-2 py-1.5 shadow-xs hover:border-accent-200 hover:bg-accent-50/40 active:cursor-grabbing"
    >
      <Icon
        className={
          item.nodeType === "vdag" ? "size-4 shrink-0 text-violet-600" : "size-4 shrink-0 text-accent-600"
        }
      />
      <div className="min-w-0 flex-1">
        <p className="truncate font-mono text-xs font-medium text-zinc-900" title={title}>
          {title}
        </p>
        <p className="flex items-center gap-1.5 truncate text-[11px] text-zinc-500">
          <span className="truncate">{subtitle}</span>
        </p>
      </div>
      <StatusDot status={status} />
      <button
        type="button"
        onClick={() => onAdd(item)}
        className="rounded p-1 text-zinc-400 hover:bg-accent-100 hover:text-accent-700 focus-visible:outline-2 focus-visible:outline-accent-500"
        aria-label={`Add ${title} to the graph`}
      >
        <Plus className="size-3.5" />
      </button>
    </li>
  );
}

const DOT = {
  success: "bg-emerald-500",
  warning: "bg-amber-500",
  danger: "bg-red-500",
  neutral: "bg-zinc-400",
  accent: "bg-accent-500",
} as const;

function StatusDot({ status }: { status: string }) {
  return (
    <span className="flex shrink-0 items-center" title={status}>
      <span className={`size-2 rounded-full ${DOT[statusTone(status)]}`} aria-hidden />
      <span className="sr-only">{status}</span>
    </span>
  );
}
