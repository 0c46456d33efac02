"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { RemoveButton } from "@/components/ui/remove-button";
import { useTRPC } from "@/trpc/react";

/**
 * "Remove" with a confirmation (`assets.remove`, operators). The API refuses it while a component
 * uses the asset and names them; the dialog shows that refusal.
 */
export function RemoveAsset({ assetURI }: { assetURI: string }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const router = useRouter();
  const remove = useMutation(
    trpc.assets.remove.mutationOptions({
      onSuccess: async () => {
        // The list only: the removed asset's own query would answer 404 if fetched again.
        await queryClient.invalidateQueries({ queryKey: trpc.assets.list.pathKey() });
        router.push("/assets");
      },
    }),
  );
  return (
    <RemoveButton
      title={`Remove asset ${assetURI}?`}
      description="The record goes, and its blob with it unless another asset names the same bytes. Refused while a component uses it."
      confirmLabel="Remove asset"
      onConfirm={() => remove.mutate({ assetURI })}
      pending={remove.isPending}
      error={remove.error?.message}
    />
  );
}
