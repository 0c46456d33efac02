"use client";

import { useMutation, useQuery } from "@tanstack/react-query";
import { Terminal } from "lucide-react";
import { useId, useState } from "react";
import { GateReason } from "@/components/session/gate-reason";
import { useRoleGate } from "@/components/session/use-principal";
import { Button } from "@/components/ui/button";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { CodeBlock } from "@/components/ui/code-block";
import { Input, Select, Textarea } from "@/components/ui/input";
import { useTRPC } from "@/trpc/react";

const SERVICES = {
  executor: "executor (its load balancer policy)",
  autoscaler: "autoscaler (its policy)",
  health: "health checker (its policy)",
} as const;
type Service = keyof typeof SERVICES;

/** One reply: from an instance (the component's `management`) or a service's policy. */
interface Reply {
  target: string;
  status: number;
  reply: unknown;
}

/**
 * A management command: to every instance, one instance (the component's `management(action,
 * data)`), or the policy of one of the block's services; each reply is shown with its HTTP status.
 */
export function MgmtCard({ blockId }: { blockId: string }) {
  const trpc = useTRPC();
  const id = useId();
  const [target, setTarget] = useState("instances");
  const [action, setAction] = useState("");
  const [data, setData] = useState("{}");
  const [dataError, setDataError] = useState<string | null>(null);
  const instances = useQuery(trpc.blocks.instances.queryOptions({ id: blockId }));
  const gate = useRoleGate("operator");
  const toInstances = useMutation(trpc.blocks.mgmt.mutationOptions());
  const toService = useMutation(trpc.blocks.serviceMgmt.mutationOptions());
  const [replies, setReplies] = useState<Reply[] | null>(null);
  const pending = toInstances.isPending || toService.isPending;
  const error = toInstances.error ?? toService.error;

  const run = async () => {
    let parsed: unknown;
    try {
      parsed = data.trim() === "" ? undefined : JSON.parse(data);
      setDataError(null);
    } catch {
      setDataError("data is not valid JSON");
      return;
    }
    setReplies(null);
    toInstances.reset();
    toService.reset();
    if (target in SERVICES) {
      const r = await toService.mutateAsync({
        id: blockId,
        service: target as Service,
        action,
        data: parsed,
      });
      setReplies([{ target: r.service, status: r.status, reply: r.reply }]);
      return;
    }
    const instanceId = target.startsWith("in-") ? target : undefined;
    const r = await toInstances.mutateAsync({
      id: blockId,
      action,
      data: parsed,
      ...(instanceId ? { instanceId } : {}),
    });
    setReplies(r.results.map((x) => ({ target: x.instanceId, status: x.status, reply: x.reply })));
  };

  return (
    <Card className="overflow-hidden" data-testid="mgmt-card">
      <CardHeader
        title="Management command"
        description="Sent through the block's cluster agent; each target answers with its reply."
      />
      <CardBody className="space-y-3">
        <form
          className="grid gap-3 sm:grid-cols-[14rem_1fr]"
          onSubmit={(e) => {
            e.preventDefault();
            void run().catch(() => undefined);
          }}
        >
          <label htmlFor={`${id}-target`} className="space-y-1 text-xs font-medium text-zinc-600">
            Target
            <Select
              className="w-full"
              value={target}
              onChange={(e) => setTarget(e.target.value)}
              id={`${id}-target`}
              data-testid="mgmt-target"
            >
              <option value="instances">every instance</option>
              {(instances.data ?? []).map((i) => (
                <option key={i.id} value={i.id}>
                  instance {i.id}
                </option>
              ))}
              {Object.entries(SERVICES).map(([value, label]) => (
                <option key={value} value={value}>
                  {label}
                </option>
              ))}
            </Select>
          </label>
          <label htmlFor={`${id}-action`} className="space-y-1 text-xs font-medium text-zinc-600">
            Action
            <Input
              className="w-full font-mono"
              value={action}
              onChange={(e) => setAction(e.target.value)}
              placeholder="e.g. stats, fail, reset"
              required
              id={`${id}-action`}
              data-testid="mgmt-action"
            />
          </label>
          <label htmlFor={`${id}-data`} className="space-y-1 text-xs font-medium text-zinc-600 sm:col-span-2">
            Data (JSON)
            <Textarea
              rows={2}
              value={data}
              onChange={(e) => setData(e.target.value)}
              spellCheck={false}
              id={`${id}-data`}
              data-testid="mgmt-data"
            />
          </label>
          <div className="sm:col-span-2">
            <Button
              type="submit"
              variant="primary"
              size="sm"
              disabled={pending || action.trim() === "" || gate.disabled}
              title={gate.reason}
              data-testid="mgmt-run"
            >
              <Terminal />
              {pending ? "Running…" : "Run"}
            </Button>
            <GateReason gate={gate} />
          </div>
        </form>
        {dataError || error ? (
          <p role="alert" className="text-sm text-red-700" data-testid="mgmt-error">
            {dataError ?? error?.message}
          </p>
        ) : null}
        {replies ? (
          <ul className="space-y-2" data-testid="mgmt-replies">
            {replies.map((r) => (
              <li key={r.target} className="space-y-1">
                <p className="text-xs text-zinc-600">
                  <span className="font-mono">{r.target}</span> ·{" "}
                  <span className={r.status >= 200 && r.status < 300 ? "text-emerald-700" : "text-red-700"}>
                    {r.status === 0 ? "unreachable" : `HTTP ${r.status}`}
                  </span>
                </p>
                <CodeBlock value={r.reply} maxHeight="12rem" />
              </li>
            ))}
          </ul>
        ) : null}
      </CardBody>
    </Card>
  );
}
