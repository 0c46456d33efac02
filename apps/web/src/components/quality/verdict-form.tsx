"use client";

import { MAX_QUALITY_NOTE_CHARS, type TQualityAuditItem } from "@aios/contracts";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { Check, X } from "lucide-react";
import { useState } from "react";
import { GateReason } from "@/components/session/gate-reason";
import { useRoleGate } from "@/components/session/use-principal";
import { Button } from "@/components/ui/button";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { FormError, FormField, Textarea } from "@/components/ui/input";
import { useTRPC } from "@/trpc/react";

/**
 * The reviewer's verdict on a pending item (`quality.recordVerdict`, operators): pass or fail and
 * a note, once. A refusal (another reviewer was first) is shown as the API says it.
 */
export function VerdictForm({ item }: { item: TQualityAuditItem }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const gate = useRoleGate("operator");
  const [note, setNote] = useState("");
  const record = useMutation(
    trpc.quality.recordVerdict.mutationOptions({
      onSettled: async () => {
        await queryClient.invalidateQueries({ queryKey: trpc.quality.pathKey() });
      },
    }),
  );
  const send = (verdict: "pass" | "fail") =>
    record.mutate({ id: item.id, verdict, ...(note.trim() ? { note: note.trim() } : {}) });
  const tooLong = note.length > MAX_QUALITY_NOTE_CHARS;
  const disabled = gate.disabled || record.isPending || tooLong;
  return (
    <Card>
      <CardHeader
        title="Your verdict"
        description="Does the output answer the input well? Recorded once, with your token as the reviewer."
      />
      <CardBody className="space-y-3">
        <FormField label="Note (optional)" htmlFor="quality-note">
          <Textarea
            id="quality-note"
            rows={3}
            value={note}
            onChange={(e) => setNote(e.target.value)}
            placeholder="What is right or wrong with it"
            data-testid="quality-note"
          />
        </FormField>
        {tooLong ? (
          <FormError testId="quality-note-error">
            note: must be at most {MAX_QUALITY_NOTE_CHARS} characters ({note.length} now)
          </FormError>
        ) : null}
        <div className="flex items-center gap-2">
          <Button
            size="sm"
            variant="primary"
            disabled={disabled}
            onClick={() => send("pass")}
            data-testid="quality-pass"
          >
            <Check />
            Pass
          </Button>
          <Button
            size="sm"
            variant="danger"
            disabled={disabled}
            onClick={() => send("fail")}
            data-testid="quality-fail"
          >
            <X />
            Fail
          </Button>
          <GateReason gate={gate} />
        </div>
        {record.error ? <FormError testId="quality-verdict-error">{record.error.message}</FormError> : null}
      </CardBody>
    </Card>
  );
}
