"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { RemoveButton } from "@/components/ui/remove-button";
import { useTRPC } from "@/trpc/react";

/** "Remove" with a confirmation (`specs.remove`, operators): what was applied from it stays. */
export function RemoveSpec({ specURI }: { specURI: string }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const router = useRouter();
  const remove = useMutation(
    trpc.specs.remove.mutationOptions({
      onSuccess: async () => {
        // The list only: the removed spec's own query would answer 404 if fetched again.
        await queryClient.invalidateQueries({ queryKey: trpc.specs.list.pathKey() });
        router.push("/specs");
      },
    }),
  );
  return (
    <RemoveButton
      title={`Remove spec ${specURI}?`}
      description="The stored document goes; what was applied from it stays. Its URI may be stored again."
      confirmLabel="Remove spec"
      onConfirm={() => remove.mutate({ specURI })}
      pending={remove.isPending}
      error={remove.error?.message}
    />
  );
}
