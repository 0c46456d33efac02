"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { RemoveButton } from "@/components/ui/remove-button";
import { useTRPC } from "@/trpc/react";

/**
 * "Remove" with a confirmation (`containerRegistries.remove`, admins). The API refuses it while a
 * component pulls its image from the registry and names them; the dialog shows that refusal.
 */
export function RemoveContainerRegistry({ id }: { id: string }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const remove = useMutation(
    trpc.containerRegistries.remove.mutationOptions({
      onSuccess: () => queryClient.invalidateQueries({ queryKey: trpc.containerRegistries.pathKey() }),
    }),
  );
  return (
    <RemoveButton
      minRole="admin"
      title={`Remove container registry ${id}?`}
      description="Its address and credentials are deleted; agents drop its image pull Secret. Refused while a component names it."
      confirmLabel="Remove registry"
      onConfirm={() => remove.mutate({ containerRegistryId: id })}
      pending={remove.isPending}
      error={remove.error?.message}
    />
  );
}
