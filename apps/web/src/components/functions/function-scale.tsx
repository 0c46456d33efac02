"use client";

import type { TPolicyFunctionRecord } from "@aios/contracts";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { GateReason } from "@/components/session/gate-reason";
import { useRoleGate } from "@/components/session/use-principal";
import { Button } from "@/components/ui/button";
import { Input } from "@/components/ui/input";
import { errorText } from "@/lib/policy/api-issues";
import { useTRPC } from "@/trpc/react";

/**
 * Sets how many replicas the function should run (`functions.scale`); the agent then starts or
 * stops replicas. The API owns the bounds (1..32) and its message is shown when it refuses.
 */
export function FunctionScale({ fn }: { fn: TPolicyFunctionRecord }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [value, setValue] = useState(String(fn.replicas));
  const scale = useMutation(
    trpc.functions.scale.mutationOptions({
      onSuccess: () => queryClient.invalidateQueries({ queryKey: trpc.functions.pathKey() }),
    }),
  );
  const gate = useRoleGate("operator");
  const submit = (e: FormEvent) => {
    e.preventDefault();
    scale.mutate({ name: fn.name, replicas: Number(value) });
  };
  return (
    <form onSubmit={submit} noValidate className="flex flex-col items-end gap-1">
      <div className="flex items-center gap-2">
        <label className="text-xs text-zinc-500" htmlFor="scale-replicas">
          Replicas
        </label>
        <Input
          id="scale-replicas"
          type="number"
          step={1}
          min={1}
          max={32}
          value={value}
          onChange={(e) => setValue(e.target.value)}
          className="w-16 tabular-nums"
          data-testid="scale-input"
        />
        <Button
          type="submit"
          size="sm"
          disabled={scale.isPending || value.trim() === "" || fn.status === "removing" || gate.disabled}
          title={gate.reason}
          data-testid="scale-submit"
        >
          Scale
        </Button>
      </div>
      <GateReason gate={gate} className="text-right" />
      {scale.isError ? (
        <p role="alert" className="max-w-sm text-right text-xs text-red-700" data-testid="scale-error">
          {errorText(scale.error)}
        </p>
      ) : null}
    </form>
  );
}
