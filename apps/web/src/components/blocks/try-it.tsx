"use client";

import { useMutation } from "@tanstack/react-query";
import { Send } from "lucide-react";
import { useState } from "react";
import { GateReason } from "@/components/session/gate-reason";
import { useRoleGate } from "@/components/session/use-principal";
import { Button } from "@/components/ui/button";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { CodeBlock } from "@/components/ui/code-block";
import { FormError, Textarea } from "@/components/ui/input";

/** The data plane's error: `{error: {message, stage}}`. */
class InferError extends Error {
  constructor(
    message: string,
    readonly stage: string,
  ) {
    super(message);
  }
}

/** POSTs `{data}` to the console's `/v1/blocks/<id>/infer` proxy; resolves to the executor's answer. */
async function infer(blockId: string, input: string): Promise<unknown> {
  let data: unknown;
  try {
    data = JSON.parse(input);
  } catch {
    throw new InferError("the input is not valid JSON", "input");
  }
  const res = await fetch(`/v1/blocks/${encodeURIComponent(blockId)}/infer`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ data }),
  });
  const body = (await res.json().catch(() => null)) as {
    error?: { message?: string; stage?: string };
  } | null;
  if (!res.ok || body?.error) {
    throw new InferError(body?.error?.message ?? `HTTP ${res.status}`, body?.error?.stage ?? "request");
  }
  return body;
}

/** Sends one task to the block and shows the answer (or where it failed). */
export function TryIt({ blockId }: { blockId: string }) {
  const [input, setInput] = useState('{"text":"I love it"}');
  const gate = useRoleGate("operator");
  const send = useMutation({ mutationFn: () => infer(blockId, input) });
  return (
    <Card className="overflow-hidden" data-testid="try-it">
      <CardHeader
        title="Try it"
        description={
          <>
            Sends <code className="font-mono text-xs">{"{data: <input>}"}</code> to{" "}
            <code className="font-mono text-xs">POST /v1/blocks/{blockId}/infer</code>.
          </>
        }
      />
      <CardBody className="space-y-3">
        <Textarea
          aria-label="Input data (JSON)"
          rows={3}
          value={input}
          onChange={(e) => setInput(e.target.value)}
          spellCheck={false}
          data-testid="try-it-input"
        />
        <Button
          variant="primary"
          size="sm"
          onClick={() => send.mutate()}
          disabled={send.isPending || gate.disabled}
          title={gate.reason}
        >
          <Send />
          Send
        </Button>
        <GateReason gate={gate} />
        {send.isError ? (
          <FormError testId="try-it-error">
            {send.error instanceof InferError ? (
              <span className="font-medium">{send.error.stage}: </span>
            ) : null}
            {send.error.message}
          </FormError>
        ) : null}
        {send.isSuccess ? <CodeBlock value={send.data} maxHeight="16rem" testId="try-it-result" /> : null}
      </CardBody>
    </Card>
  );
}
