"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { RemoveButton } from "@/components/ui/remove-button";
import { useTRPC } from "@/trpc/react";

/** "Remove" with a confirmation (`vdags.remove`); back to the list once the API accepted it. */
export function RemoveVdag({ vdagURI }: { vdagURI: string }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const router = useRouter();
  const remove = useMutation(
    trpc.vdags.remove.mutationOptions({
      onSuccess: async () => {
        await queryClient.invalidateQueries({ queryKey: trpc.vdags.pathKey() });
        router.push("/vdags");
      },
    }),
  );
  return (
    <RemoveButton
      title={`Remove vDAG ${vdagURI}?`}
      description="Its controller stops and requests to it are refused; the vDAG is kept as removed, with its history and traces. A vDAG that nests it must be removed first."
      confirmLabel="Remove vDAG"
      onConfirm={() => remove.mutate({ vdagURI })}
      pending={remove.isPending}
      error={remove.error?.message}
    />
  );
}
