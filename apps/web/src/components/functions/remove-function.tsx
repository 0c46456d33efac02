"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { RemoveButton } from "@/components/ui/remove-button";
import { useTRPC } from "@/trpc/react";

/** "Remove" with a confirmation (`functions.remove`); back to the list once the API accepted it. */
export function RemoveFunction({ name }: { name: string }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const router = useRouter();
  const remove = useMutation(
    trpc.functions.remove.mutationOptions({
      onSuccess: async (removing) => {
        // The page stops polling a function being removed: once its agent stopped it, it is gone (404).
        queryClient.setQueryData(trpc.functions.get.queryKey({ name }), removing);
        await queryClient.invalidateQueries({ queryKey: trpc.functions.list.pathKey() });
        router.push("/functions");
      },
    }),
  );
  return (
    <RemoveButton
      title={`Remove function ${name}?`}
      description="Its replicas are stopped and their state is lost; graphs that use it fail at this step. This cannot be undone."
      confirmLabel="Remove function"
      onConfirm={() => remove.mutate({ name })}
      pending={remove.isPending}
      error={remove.error?.message}
    />
  );
}
