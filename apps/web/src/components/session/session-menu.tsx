"use client";

import { LogOut } from "lucide-react";
import Link from "next/link";
import { useState } from "react";
import { Badge } from "@/components/ui/badge";
import { Button, buttonVariants } from "@/components/ui/button";
import { usePrincipal } from "./use-principal";

/** Who the console acts as, and sign out (or, in open mode, the way to sign in with a token). */
export function SessionMenu() {
  const who = usePrincipal();
  const [leaving, setLeaving] = useState(false);
  if (!who.isSuccess) return null;
  const { mode, principal } = who.data;
  if (!principal) return null;
  if (principal.tokenId === null) {
    return (
      <div className="flex items-center gap-2 text-xs text-zinc-500" data-testid="session" data-role="admin">
        <span title="AIOS_AUTH=open: anonymous callers act as admin">Open mode · admin</span>
        <Link href="/sign-in" className={buttonVariants({ size: "sm", variant: "ghost" })}>
          Sign in
        </Link>
      </div>
    );
  }
  const signOut = async () => {
    setLeaving(true);
    await fetch("/session", { method: "DELETE" }).catch(() => undefined);
    window.location.assign(mode === "token" ? "/sign-in" : "/");
  };
  return (
    <div className="flex items-center gap-2 text-sm" data-testid="session" data-role={principal.role}>
      <span className="max-w-48 truncate text-zinc-700" data-testid="session-name">
        {principal.name ?? principal.tokenId}
      </span>
      <Badge tone={principal.role === "admin" ? "accent" : "neutral"} data-testid="session-role">
        {principal.role}
      </Badge>
      <Button size="sm" variant="ghost" onClick={signOut} disabled={leaving} data-testid="sign-out">
        <LogOut />
        Sign out
      </Button>
    </div>
  );
}
