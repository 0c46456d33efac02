"use client";

import type { TBlockRecord } from "@aios/contracts";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { GateReason } from "@/components/session/gate-reason";
import { useRoleGate } from "@/components/session/use-principal";
import { Button } from "@/components/ui/button";
import { Input } from "@/components/ui/input";
import { useTRPC } from "@/trpc/react";

/**
 * Sets the block's desired instance count (`blocks.scale`). The input suggests min..max but does not
 * block other values: the API owns the bounds, and its message is shown when it refuses.
 */
export function ScaleControl({ block }: { block: TBlockRecord }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [value, setValue] = useState(String(block.desiredInstances));
  const scale = useMutation(
    trpc.blocks.scale.mutationOptions({
      onSuccess: () => queryClient.invalidateQueries({ queryKey: trpc.blocks.pathKey() }),
    }),
  );
  const gate = useRoleGate("operator");
  const submit = (e: FormEvent) => {
    e.preventDefault();
    scale.mutate({ id: block.id, instances: Number(value) });
  };
  return (
    <form onSubmit={submit} noValidate className="flex flex-col items-end gap-1">
      <div className="flex items-center gap-2">
        <label className="text-xs text-zinc-500" htmlFor="scale-instances">
          Instances ({block.minInstances}–{block.maxInstances})
        </label>
        <Input
          id="scale-instances"
          type="number"
          step={1}
          min={block.minInstances}
          max={block.maxInstances}
          value={value}
          onChange={(e) => setValue(e.target.value)}
          className="w-16 tabular-nums"
          data-testid="scale-input"
        />
        <Button
          type="submit"
          size="sm"
          disabled={scale.isPending || value.trim() === "" || gate.disabled}
          title={gate.reason}
          data-testid="scale-submit"
        >
          Scale
        </Button>
      </div>
      <GateReason gate={gate} className="text-right" />
      {scale.isError ? (
        <p role="alert" className="max-w-sm text-right text-xs text-red-700" data-testid="scale-error">
          {scale.error.message}
        </p>
      ) : null}
    </form>
  );
}
