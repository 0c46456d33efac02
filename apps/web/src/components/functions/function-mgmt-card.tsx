"use client";

import type { TPolicyFunctionRecord } from "@aios/contracts";
import { useMutation, useQuery } from "@tanstack/react-query";
import { Terminal } from "lucide-react";
import { type FormEvent, useId, useState } from "react";
import { CallOutcome } from "@/components/policy-runs/call-outcome";
import { GateReason } from "@/components/session/gate-reason";
import { useRoleGate } from "@/components/session/use-principal";
import { Button } from "@/components/ui/button";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { FormError, Input, Textarea } from "@/components/ui/input";
import { errorText } from "@/lib/policy/api-issues";
import { parseJson } from "@/lib/policy/json-text";
import { useTRPC } from "@/trpc/react";
import { ReplicaSelect, replicaInput } from "./replica-select";

interface DeclaredCommand {
  name: string;
  description?: string;
}

const declared = (v: unknown): DeclaredCommand[] =>
  Array.isArray(v) ? v.filter((c): c is DeclaredCommand => typeof c?.name === "string") : [];

/**
 * A management command to one replica (`functions.management`: the policy's `management(action,
 * data)` on that replica's state). The policy's declared commands are offered; the API checks them.
 */
export function FunctionMgmtCard({ fn }: { fn: TPolicyFunctionRecord }) {
  const trpc = useTRPC();
  const ids = { action: useId(), data: useId(), replica: useId(), commands: useId() };
  const policy = useQuery(trpc.policies.get.queryOptions({ policyRuleURI: fn.policyRuleURI }));
  const commands = declared(policy.data?.doc.managementCommandsSchema);
  const [action, setAction] = useState("");
  const [data, setData] = useState("{}");
  const [replica, setReplica] = useState("");
  const [dataError, setDataError] = useState<string | null>(null);
  const gate = useRoleGate("operator");
  const run = useMutation(trpc.functions.management.mutationOptions());
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const parsed = data.trim() === "" ? { ok: true as const, value: undefined } : parseJson(data, "the data");
    setDataError(parsed.ok ? null : parsed.message);
    if (!parsed.ok) return run.reset();
    run.mutate({ name: fn.name, action: action.trim(), data: parsed.value, ...replicaInput(replica) });
  };
  return (
    <Card className="overflow-hidden" data-testid="fn-mgmt-card">
      <CardHeader
        title="Management command"
        description={
          commands.length
            ? `Declared by ${fn.policyRuleURI}: ${commands.map((c) => c.name).join(", ")}`
            : `${fn.policyRuleURI} declares no management commands.`
        }
      />
      <CardBody className="space-y-3">
        <form onSubmit={submit} className="grid gap-3 sm:grid-cols-[14rem_1fr]">
          <label htmlFor={ids.action} className="space-y-1 text-xs font-medium text-zinc-600">
            Action
            <Input
              id={ids.action}
              className="w-full font-mono"
              value={action}
              onChange={(e) => setAction(e.target.value)}
              list={ids.commands}
              placeholder={commands[0]?.name ?? "action"}
              data-testid="fn-mgmt-action"
            />
            <datalist id={ids.commands}>
              {commands.map((c) => (
                <option key={c.name} value={c.name}>
                  {c.description ?? c.name}
                </option>
              ))}
            </datalist>
          </label>
          <label htmlFor={ids.data} className="space-y-1 text-xs font-medium text-zinc-600">
            Data (JSON)
            <Textarea
              id={ids.data}
              rows={1}
              value={data}
              onChange={(e) => setData(e.target.value)}
              spellCheck={false}
              data-testid="fn-mgmt-data"
            />
          </label>
          <div className="flex items-center gap-2 sm:col-span-2">
            <label htmlFor={ids.replica} className="sr-only">
              Replica
            </label>
            <ReplicaSelect
              fn={fn}
              value={replica}
              onChange={setReplica}
              id={ids.replica}
              testId="fn-mgmt-replica"
            />
            <Button
              type="submit"
              variant="primary"
              size="sm"
              disabled={run.isPending || action.trim() === "" || gate.disabled}
              title={gate.reason}
              data-testid="fn-mgmt-run"
            >
              <Terminal />
              {run.isPending ? "Running…" : "Run"}
            </Button>
            <GateReason gate={gate} />
          </div>
        </form>
        {dataError || run.isError ? (
          <FormError testId="fn-mgmt-error">{dataError ?? errorText(run.error)}</FormError>
        ) : null}
        {run.data ? <CallOutcome result={run.data} testId="fn-mgmt-result" /> : null}
      </CardBody>
    </Card>
  );
}
