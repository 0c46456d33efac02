"use client";

import { useQuery } from "@tanstack/react-query";
import { type MinRole, type RoleGate, roleGate } from "@/lib/session/role-gate";
import { useTRPC } from "@/trpc/react";

/** Who the console acts as (`auth.whoami` through the console, so with the session's token). */
export function usePrincipal() {
  const trpc = useTRPC();
  return useQuery(trpc.auth.whoami.queryOptions(undefined, { staleTime: 60_000 }));
}

/** Whether a control needing `min` is offered, and why not; see `roleGate`. */
export function useRoleGate(min: MinRole): RoleGate {
  const who = usePrincipal();
  return roleGate(who.isSuccess ? who.data.principal : undefined, min);
}
