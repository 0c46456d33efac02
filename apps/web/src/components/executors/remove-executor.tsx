"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { RemoveButton } from "@/components/ui/remove-button";
import { useTRPC } from "@/trpc/react";

/** "Remove" with a confirmation (`executors.remove`): no call goes to it; a running one registers again. */
export function RemoveExecutor({ id, name }: { id: string; name: string }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const remove = useMutation(
    trpc.executors.remove.mutationOptions({
      onSuccess: () => queryClient.invalidateQueries({ queryKey: trpc.executors.list.pathKey() }),
    }),
  );
  return (
    <RemoveButton
      title={`Remove executor ${name}?`}
      description="No policy call is sent to it any more. If its process still runs, it registers again on its next heartbeat, with a new id."
      confirmLabel="Remove executor"
      onConfirm={() => remove.mutate({ id })}
      pending={remove.isPending}
      error={remove.error?.message}
    />
  );
}
