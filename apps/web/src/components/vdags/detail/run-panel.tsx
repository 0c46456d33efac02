"use client";

import { ZVdagTask } from "@aios/contracts";
import { useMutation, useQuery } from "@tanstack/react-query";
import { Play } from "lucide-react";
import { useEffect, useId, useState } from "react";
import { formatMs } from "@/components/blocks/executor-status";
import { GateReason } from "@/components/session/gate-reason";
import { useRoleGate } from "@/components/session/use-principal";
import { StatusBadge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { CodeBlock } from "@/components/ui/code-block";
import { FormError, Input, Textarea } from "@/components/ui/input";
import { isUnfinished, outcomeOfResponse, outcomeOfTask, type RunOutcome } from "@/lib/vdag/run";

const enc = encodeURIComponent;

/** A mistake in the input itself, before anything is sent. */
class InputError extends Error {}

function parseInput(text: string): Record<string, unknown> {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    throw new InputError(`the input is not valid JSON: ${(err as Error).message}`);
  }
  if (typeof data !== "object" || data === null || Array.isArray(data))
    throw new InputError("the input must be a JSON object (it becomes the request's data)");
  return data as Record<string, unknown>;
}

/** `POST /v1/vdags/<uri>/infer` through the console's proxy; async answers `{taskId}` at once. */
async function send(vdagURI: string, data: Record<string, unknown>, sessionId: string, async: boolean) {
  const res = await fetch(`/v1/vdags/${enc(vdagURI)}/infer${async ? "?async=1" : ""}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ data, ...(sessionId ? { session_id: sessionId } : {}) }),
  });
  const body: unknown = await res.json().catch(() => null);
  if (async && res.status === 202) {
    const taskId = (body as { taskId?: string } | null)?.taskId ?? null;
    return { taskId, outcome: null };
  }
  return { taskId: null, outcome: outcomeOfResponse(res.status, body) };
}

async function fetchTask(taskId: string): Promise<RunOutcome> {
  const res = await fetch(`/v1/tasks/${enc(taskId)}`);
  const body: unknown = await res.json().catch(() => null);
  if (!res.ok) {
    const message = (body as { error?: { message?: string } } | null)?.error?.message ?? `HTTP ${res.status}`;
    throw new Error(message);
  }
  const task = ZVdagTask.safeParse(body);
  if (!task.success)
    throw new Error(`the task's answer is not a task: ${task.error.issues[0]?.message ?? ""}`);
  return outcomeOfTask(task.data);
}

/**
 * Sends one request to the vDAG: JSON data, an optional session (quotas count per session), and
 * either waits for the answer or submits it as a task and polls `/v1/tasks/<id>` until it ends.
 * The outcome goes up to the page, which draws its trace on the graph.
 */
export function RunPanel({
  vdagURI,
  outcome,
  onOutcome,
}: {
  vdagURI: string;
  outcome: RunOutcome | null;
  onOutcome: (o: RunOutcome | null) => void;
}) {
  const ids = { input: useId(), session: useId() };
  const [input, setInput] = useState('{"text":"I love it"}');
  const [sessionId, setSessionId] = useState("");
  const [async, setAsync] = useState(false);
  const [taskId, setTaskId] = useState<string | null>(null);
  const gate = useRoleGate("operator");
  const run = useMutation({
    mutationFn: () => send(vdagURI, parseInput(input), sessionId.trim(), async),
    onMutate: () => {
      setTaskId(null);
      onOutcome(null);
    },
    onSuccess: (r) => {
      if (r.taskId) setTaskId(r.taskId);
      if (r.outcome) onOutcome(r.outcome);
    },
  });
  const task = useQuery({
    queryKey: ["vdag-task", taskId],
    queryFn: () => fetchTask(taskId as string),
    enabled: taskId !== null,
    refetchInterval: (q) => (q.state.data && !isUnfinished(q.state.data.status) ? false : 500),
    retry: false,
  });
  useEffect(() => {
    if (task.data) onOutcome(task.data);
  }, [task.data, onOutcome]);

  const waiting =
    run.isPending || (taskId !== null && isUnfinished(task.data?.status ?? "queued") && !task.isError);
  return (
    <Card className="overflow-hidden" data-testid="run-panel">
      <CardHeader
        title="Run"
        description={
          <>
            Sends <code className="font-mono text-xs">{"{data: <input>}"}</code> to{" "}
            <code className="font-mono text-xs">POST /v1/vdags/{vdagURI}/infer</code>; the trace is drawn on
            the graph.
          </>
        }
      />
      <CardBody className="space-y-3">
        <label htmlFor={ids.input} className="block text-xs font-medium text-zinc-600">
          Input data (JSON object)
        </label>
        <Textarea
          id={ids.input}
          rows={4}
          value={input}
          onChange={(e) => setInput(e.target.value)}
          spellCheck={false}
          data-testid="run-input"
        />
        <div className="flex flex-wrap items-end gap-3">
          <div>
            <label htmlFor={ids.session} className="block text-xs font-medium text-zinc-600">
              Session id
            </label>
            <Input
              id={ids.session}
              value={sessionId}
              onChange={(e) => setSessionId(e.target.value)}
              placeholder="default"
              className="mt-1 w-44 font-mono text-[13px]"
              data-testid="run-session"
            />
          </div>
          <label className="flex h-8 items-center gap-1.5 text-sm text-zinc-700">
            <input
              type="checkbox"
              checked={async}
              onChange={(e) => setAsync(e.target.checked)}
              data-testid="run-async"
            />
            Async (submit a task, poll it)
          </label>
          <Button
            variant="primary"
            size="sm"
            onClick={() => run.mutate()}
            disabled={waiting || gate.disabled}
            title={gate.reason}
            className="ml-auto"
            data-testid="run"
          >
            <Play />
            {waiting ? "Running…" : "Run"}
          </Button>
          <GateReason gate={gate} />
        </div>
        {run.isError ? (
          <FormError testId="run-error">
            {run.error instanceof InputError ? "" : "request: "}
            {run.error.message}
          </FormError>
        ) : null}
        {task.isError ? (
          <FormError testId="run-error">
            task {taskId}: {task.error.message}
          </FormError>
        ) : null}
        {outcome ? <OutcomeView outcome={outcome} /> : null}
      </CardBody>
    </Card>
  );
}

export function OutcomeView({ outcome }: { outcome: RunOutcome }) {
  const data = (outcome.packet as { data?: unknown } | null)?.data;
  return (
    <div className="space-y-2" data-testid="run-outcome">
      <p className="flex flex-wrap items-center gap-2 text-sm text-zinc-600">
        <StatusBadge status={outcome.status} testId="run-status" />
        {outcome.durationMs !== null ? <span>{formatMs(outcome.durationMs)}</span> : null}
        {outcome.taskId ? (
          <span className="font-mono text-xs text-zinc-400">task {outcome.taskId}</span>
        ) : null}
      </p>
      {outcome.error ? (
        <FormError testId="run-error">
          <span className="font-medium">{outcome.error.stage ?? "error"}</span>
          {outcome.error.nodeLabel ? ` at ${outcome.error.nodeLabel}` : ""}: {outcome.error.message}
        </FormError>
      ) : null}
      {isUnfinished(outcome.status) ? (
        <p className="text-sm text-zinc-500">
          {outcome.status === "queued" ? "The task is queued…" : "The task is running…"}
        </p>
      ) : null}
      {data !== undefined ? <CodeBlock value={data} maxHeight="16rem" testId="run-result" /> : null}
      {outcome.packet || outcome.outputs ? (
        <details className="text-sm">
          <summary className="cursor-pointer text-xs text-zinc-500">
            Whole packet and every tail's output
          </summary>
          <CodeBlock
            value={{ packet: outcome.packet, outputs: outcome.outputs }}
            maxHeight="20rem"
            className="mt-2"
          />
        </details>
      ) : null}
    </div>
  );
}
