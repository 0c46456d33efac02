"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";
import { usePrincipal } from "@/components/session/use-principal";
import { cn } from "@/lib/cn";
import { roleGate } from "@/lib/session/role-gate";
import { activeNavItem, NAV_ITEMS } from "./nav-items";
import { Wordmark } from "./wordmark";

export function Sidebar() {
  const active = activeNavItem(usePathname());
  const who = usePrincipal();
  const principal = who.isSuccess ? who.data.principal : null;
  const items = NAV_ITEMS.filter((item) => !item.minRole || !roleGate(principal, item.minRole).disabled);
  return (
    <aside className="sticky top-0 flex h-screen w-60 shrink-0 flex-col border-r border-zinc-200 bg-white">
      <div className="flex h-14 items-center border-b border-zinc-100 px-5">
        <Wordmark />
      </div>
      <nav aria-label="Main" className="flex-1 space-y-0.5 p-3">
        <p className="px-2 pb-2 pt-1 text-[11px] font-medium uppercase tracking-wider text-zinc-400">
          Console
        </p>
        {items.map((item) => {
          const isActive = item === active;
          const Icon = item.icon;
          return (
            <Link
              key={item.href}
              href={item.href}
              data-testid={`nav-${item.label.toLowerCase().replace(/\s+/g, "-")}`}
              aria-current={isActive ? "page" : undefined}
              className={cn(
                "group flex items-center gap-2.5 rounded-md px-2.5 py-2 text-sm font-medium transition-colors",
                isActive
                  ? "bg-accent-50 text-accent-700"
                  : "text-zinc-600 hover:bg-zinc-100 hover:text-zinc-900",
              )}
            >
              <Icon
                className={cn(
                  "size-4",
                  isActive ? "text-accent-600" : "text-zinc-400 group-hover:text-zinc-600",
                )}
              />
              {item.label}
            </Link>
          );
        })}
      </nav>
      <div className="border-t border-zinc-100 px-5 py-4 text-xs text-zinc-400">
        <p className="font-medium text-zinc-500">Management plane</p>
        <p className="mt-0.5">AIOS v1 console</p>
      </div>
    </aside>
  );
}
