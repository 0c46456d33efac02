"use client";

import type { TDryRunResult, TPolicyKind } from "@aios/contracts";
import { useMutation } from "@tanstack/react-query";
import { useState } from "react";
import { parseJson, parseJsonObject } from "@/lib/policy/json-text";
import { useTRPC } from "@/trpc/react";
import type { DryRunTexts } from "./dry-run-panel";
import type { DryRunField } from "./monaco/dry-run-paths";

export interface DryRunValues {
  input: unknown;
  settings: Record<string, unknown>;
  parameters: Record<string, unknown>;
}

/** The panel's texts as values, or the first field that is not valid JSON (of the right shape). */
export function readDryRunTexts(
  texts: DryRunTexts,
): { ok: true; values: DryRunValues } | { ok: false; field: DryRunField; message: string } {
  const input = parseJson(texts.input, "Input");
  if (!input.ok) return { ok: false, field: "input", message: input.message };
  const settings = parseJsonObject(texts.settings, "Settings");
  if (!settings.ok) return { ok: false, field: "settings", message: settings.message };
  const parameters = parseJsonObject(texts.parameters, "Parameters");
  if (!parameters.ok) return { ok: false, field: "parameters", message: parameters.message };
  return { ok: true, values: { input: input.value, settings: settings.value, parameters: parameters.value } };
}

/**
 * `policies.dryRun` of the code being edited (not the stored one): remembers which code the last
 * answer is for, so the editor can tell when it is stale.
 */
export function useDryRun() {
  const trpc = useTRPC();
  const mutation = useMutation(trpc.policies.dryRun.mutationOptions());
  const [last, setLast] = useState<{ code: string; result: TDryRunResult }>();
  const [problem, setProblem] = useState<{ field: DryRunField; message: string }>();

  /** Returns the field to show when the texts cannot be sent. */
  const run = (code: string, kind: TPolicyKind, texts: DryRunTexts): DryRunField | undefined => {
    if (mutation.isPending) return undefined;
    const read = readDryRunTexts(texts);
    if (!read.ok) {
      setProblem({ field: read.field, message: read.message });
      return read.field;
    }
    if (code.trim() === "") {
      setProblem({ field: "input", message: "The policy has no code yet." });
      return undefined;
    }
    setProblem(undefined);
    mutation.mutate({ code, kind, ...read.values }, { onSuccess: (result) => setLast({ code, result }) });
    return undefined;
  };

  return {
    run,
    pending: mutation.isPending,
    apiError: mutation.isError ? mutation.error.message : undefined,
    last,
    problem,
  };
}
