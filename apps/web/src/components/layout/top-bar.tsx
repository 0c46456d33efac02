"use client";

import { usePathname } from "next/navigation";
import { SessionMenu } from "@/components/session/session-menu";
import { HealthIndicator } from "./health-indicator";
import { activeNavItem } from "./nav-items";

export function TopBar() {
  const item = activeNavItem(usePathname());
  return (
    <header className="sticky top-0 z-20 flex h-14 items-center justify-between border-b border-zinc-200 bg-white/80 px-8 backdrop-blur">
      <div className="flex items-baseline gap-3">
        <h1 className="text-[15px] font-semibold text-zinc-900" data-testid="page-title">
          {item?.label ?? "AIOS"}
        </h1>
        {item ? <span className="hidden text-sm text-zinc-400 md:inline">{item.description}</span> : null}
      </div>
      <div className="flex items-center gap-4">
        <SessionMenu />
        <HealthIndicator />
      </div>
    </header>
  );
}
