"use client";

import { useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { type ApplyOutcome, SpecEditor } from "@/components/json-editor/spec-editor";
import { documentText } from "@/components/json-editor/templates";
import { Button } from "@/components/ui/button";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { CodeBlock } from "@/components/ui/code-block";
import { useTRPC } from "@/trpc/react";
import { type BlockForm, EMPTY_BLOCK_FORM } from "./block-form";
import { CreateBlockForm } from "./create-block-form";
import { CreateProgress } from "./create-progress";

type Step =
  | { kind: "form" }
  | { kind: "json"; text: string }
  | { kind: "created"; blockId: string }
  | { kind: "dry-run"; outcome: ApplyOutcome };

/**
 * Create a block: the form (or the same document in the JSON editor), then its progress from
 * pending to running, live.
 */
export function CreateBlock({ componentURI }: { componentURI?: string }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [form, setForm] = useState<BlockForm>({ ...EMPTY_BLOCK_FORM, componentURI: componentURI ?? "" });
  const [step, setStep] = useState<Step>({ kind: "form" });
  const restart = () => {
    setForm({ ...EMPTY_BLOCK_FORM, componentURI: form.componentURI });
    setStep({ kind: "form" });
  };

  switch (step.kind) {
    case "created":
      return <CreateProgress blockId={step.blockId} onAnother={restart} />;
    case "dry-run":
      return (
        <Card className="overflow-hidden">
          <CardHeader
            title="Dry run"
            description="Nothing was created: the allocator's answer for this document."
          />
          <CardBody className="space-y-4">
            <CodeBlock value={step.outcome.result} maxHeight="20rem" />
            <Button onClick={() => setStep({ kind: "form" })}>Back to the form</Button>
          </CardBody>
        </Card>
      );
    case "json":
      return (
        <SpecEditor
          action="createBlock"
          initialText={step.text}
          title="createBlock document"
          description="The same block as a spec document; policies, init data and mode can be set here too."
          applyLabel="Create block"
          onApplied={async (outcome) => {
            await queryClient.invalidateQueries({ queryKey: trpc.blocks.list.pathKey() });
            setStep(
              outcome.dryRun ? { kind: "dry-run", outcome } : { kind: "created", blockId: outcome.target },
            );
          }}
          footer={
            <Button variant="ghost" onClick={() => setStep({ kind: "form" })}>
              Back to the form
            </Button>
          }
        />
      );
    case "form":
      return (
        <CreateBlockForm
          form={form}
          onChange={setForm}
          onCreated={(blockId) => setStep({ kind: "created", blockId })}
          onEditAsJson={(values) => setStep({ kind: "json", text: documentText("createBlock", values) })}
        />
      );
  }
}
