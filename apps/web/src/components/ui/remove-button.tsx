"use client";

import { Trash2 } from "lucide-react";
import { Button } from "@/components/ui/button";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";

/** A "Remove" button that asks first: what goes away and what stays is said in `description`. */
export function RemoveButton(props: {
  title: string;
  description: string;
  confirmLabel: string;
  onConfirm: () => void;
  pending: boolean;
  error: string | undefined;
}) {
  return (
    <ConfirmDialog
      trigger={
        <Button size="sm">
          <Trash2 />
          Remove
        </Button>
      }
      {...props}
    />
  );
}
