import { cn } from "@/lib/cn";
import type { RoleGate } from "@/lib/session/role-gate";

/** Says why a control is disabled for the signed-in role; renders nothing when it is enabled. */
export function GateReason({ gate, className }: { gate: RoleGate; className?: string }) {
  if (!gate.reason) return null;
  return (
    <p className={cn("text-xs text-zinc-500", className)} data-testid="role-reason">
      {gate.reason}
    </p>
  );
}
