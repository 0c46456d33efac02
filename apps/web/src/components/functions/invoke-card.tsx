"use client";

import type { TPolicyFunctionRecord } from "@aios/contracts";
import { useMutation } from "@tanstack/react-query";
import { Send } from "lucide-react";
import { type FormEvent, useId, useState } from "react";
import { CallOutcome } from "@/components/policy-runs/call-outcome";
import { GateReason } from "@/components/session/gate-reason";
import { useRoleGate } from "@/components/session/use-principal";
import { Button } from "@/components/ui/button";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { FormError, Textarea } from "@/components/ui/input";
import { errorText } from "@/lib/policy/api-issues";
import { parseJson } from "@/lib/policy/json-text";
import { useTRPC } from "@/trpc/react";
import { ReplicaSelect, replicaInput } from "./replica-select";

/** Calls the function once (`functions.invoke`) with a JSON input; shows its output or error and logs. */
export function InvokeCard({ fn }: { fn: TPolicyFunctionRecord }) {
  const trpc = useTRPC();
  const ids = { input: useId(), replica: useId() };
  const [input, setInput] = useState('{"key":"a"}');
  const [replica, setReplica] = useState("");
  const [inputError, setInputError] = useState<string | null>(null);
  const gate = useRoleGate("operator");
  const invoke = useMutation(trpc.functions.invoke.mutationOptions());
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const parsed = parseJson(input, "the input");
    setInputError(parsed.ok ? null : parsed.message);
    if (!parsed.ok) return invoke.reset();
    invoke.mutate({ name: fn.name, input: parsed.value, ...replicaInput(replica) });
  };
  return (
    <Card className="overflow-hidden" data-testid="invoke-card">
      <CardHeader
        title="Invoke"
        description={
          <>
            Runs the policy's <code className="font-mono text-xs">eval(input)</code> on one replica, in its
            own state.
          </>
        }
      />
      <CardBody className="space-y-3">
        <form onSubmit={submit} className="space-y-3">
          <label htmlFor={ids.input} className="block text-xs font-medium text-zinc-600">
            Input (JSON)
          </label>
          <Textarea
            id={ids.input}
            rows={3}
            value={input}
            onChange={(e) => setInput(e.target.value)}
            spellCheck={false}
            data-testid="invoke-input"
          />
          <div className="flex items-center gap-2">
            <label htmlFor={ids.replica} className="sr-only">
              Replica
            </label>
            <ReplicaSelect
              fn={fn}
              value={replica}
              onChange={setReplica}
              id={ids.replica}
              testId="invoke-replica"
            />
            <Button
              type="submit"
              variant="primary"
              size="sm"
              disabled={invoke.isPending || gate.disabled}
              title={gate.reason}
              data-testid="invoke"
            >
              <Send />
              {invoke.isPending ? "Invoking…" : "Invoke"}
            </Button>
            <GateReason gate={gate} />
          </div>
        </form>
        {inputError || invoke.isError ? (
          <FormError testId="invoke-error">{inputError ?? errorText(invoke.error)}</FormError>
        ) : null}
        {invoke.data ? <CallOutcome result={invoke.data} testId="invoke-result" /> : null}
      </CardBody>
    </Card>
  );
}
