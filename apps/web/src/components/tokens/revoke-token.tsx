"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { Ban } from "lucide-react";
import { Button } from "@/components/ui/button";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import { errorText } from "@/lib/policy/api-issues";
import { useTRPC } from "@/trpc/react";

/** "Revoke" with a confirmation (`tokens.revoke`): the API refuses the token from its next request. */
export function RevokeToken({ id, name }: { id: string; name: string }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const revoke = useMutation(
    trpc.tokens.revoke.mutationOptions({
      onSuccess: () => queryClient.invalidateQueries({ queryKey: trpc.tokens.pathKey() }),
    }),
  );
  return (
    <ConfirmDialog
      trigger={
        <Button size="sm" data-testid={`revoke-${id}`}>
          <Ban />
          Revoke
        </Button>
      }
      title={`Revoke ${name}?`}
      description="Every call with this token is refused from now on, sessions signed in with it included. This cannot be undone."
      confirmLabel="Revoke token"
      onConfirm={() => revoke.mutate({ id })}
      pending={revoke.isPending}
      error={revoke.isError ? errorText(revoke.error) : undefined}
    />
  );
}
