"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { RemoveButton } from "@/components/ui/remove-button";
import { useTRPC } from "@/trpc/react";

/** "Remove" with a confirmation (`blocks.remove`); back to the list once the API accepted it. */
export function RemoveBlock({ id }: { id: string }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const router = useRouter();
  const remove = useMutation(
    trpc.blocks.remove.mutationOptions({
      onSuccess: async () => {
        await queryClient.invalidateQueries({ queryKey: trpc.blocks.list.pathKey() });
        router.push("/blocks");
      },
    }),
  );
  return (
    <RemoveButton
      title={`Remove block ${id}?`}
      description="Its executor and every instance are stopped; the id becomes free again. This cannot be undone."
      confirmLabel="Remove block"
      onConfirm={() => remove.mutate({ id })}
      pending={remove.isPending}
      error={remove.error?.message}
    />
  );
}
