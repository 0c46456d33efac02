"use client";

import { Trash2 } from "lucide-react";
import { GateReason } from "@/components/session/gate-reason";
import { useRoleGate } from "@/components/session/use-principal";
import { Button } from "@/components/ui/button";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import type { MinRole } from "@/lib/session/role-gate";

/** A "Remove" button that asks first: what goes away and what stays is said in `description`. */
export function RemoveButton(props: {
  title: string;
  description: string;
  confirmLabel: string;
  onConfirm: () => void;
  pending: boolean;
  error: string | undefined;
  /** Who may remove (operators unless the kind is admins', as container registries are). */
  minRole?: MinRole;
}) {
  const { minRole = "operator", ...dialog } = props;
  // A role below it sees the button disabled and why.
  const gate = useRoleGate(minRole);
  return (
    <span className="inline-flex flex-col items-end gap-1">
      <ConfirmDialog
        trigger={
          <Button size="sm" disabled={gate.disabled} title={gate.reason} data-testid="remove">
            <Trash2 />
            Remove
          </Button>
        }
        {...dialog}
      />
      <GateReason gate={gate} />
    </span>
  );
}
