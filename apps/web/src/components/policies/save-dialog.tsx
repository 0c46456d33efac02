"use client";

import { CornerDownRight, Save } from "lucide-react";
import { Dialog } from "radix-ui";
import { type ReactNode, useState } from "react";
import { Button } from "@/components/ui/button";
import { Input } from "@/components/ui/input";
import { fieldIssues, issuesByField, positionInMessage } from "@/lib/policy/api-issues";

export interface SaveValues {
  name: string;
  version: string;
  releaseTag: string;
  description: string;
  /** Also store the dry-run settings and parameters as the policy's defaults. */
  saveDefaults: boolean;
}

const FIELDS = ["name", "version", "releaseTag", "description", "code", "policySettings", "policyParameters"];

function Field({
  id,
  label,
  hint,
  errors,
  children,
}: {
  id: string;
  label: string;
  hint?: ReactNode;
  errors: string[] | undefined;
  children: ReactNode;
}) {
  return (
    <div className="space-y-1">
      <label htmlFor={id} className="block text-xs font-medium text-zinc-700">
        {label}
      </label>
      {children}
      {errors?.map((e) => (
        <p key={e} className="text-xs text-red-700" data-testid={`field-error-${id}`}>
          {e}
        </p>
      ))}
      {hint && !errors ? <p className="text-xs text-zinc-500">{hint}</p> : null}
    </div>
  );
}

/**
 * "Save as a new version" (or, for a new policy, "Create policy"): the new version number (the next
 * patch is suggested), release tag and description, and the API's refusal field by field; a
 * refusal of the code names its line, which `onRevealCode` shows in the editor.
 */
export function SaveDialog({
  open,
  onOpenChange,
  mode,
  initial,
  onSubmit,
  pending,
  error,
  onRevealCode,
}: {
  open: boolean;
  onOpenChange: (open: boolean) => void;
  mode: "version" | "new";
  initial: SaveValues;
  onSubmit: (values: SaveValues) => void;
  pending: boolean;
  error: unknown;
  onRevealCode: (line: number, column: number) => void;
}) {
  return (
    <Dialog.Root open={open} onOpenChange={onOpenChange}>
      <Dialog.Portal>
        <Dialog.Overlay className="fixed inset-0 z-40 bg-zinc-950/30" />
        <Dialog.Content
          className="fixed left-1/2 top-1/2 z-50 w-full max-w-md -translate-x-1/2 -translate-y-1/2 rounded-xl border border-zinc-200 bg-white p-6 shadow-xl"
          data-testid="save-dialog"
        >
          <Dialog.Title className="text-base font-semibold text-zinc-900">
            {mode === "new" ? "Create the policy" : "Save as a new version"}
          </Dialog.Title>
          <Dialog.Description className="mt-1 text-sm text-zinc-600">
            {mode === "new"
              ? "Stored as name:version-releaseTag. The API compiles the code and runs its init first."
              : "Versions are immutable: the code is stored under a new version, the current one stays."}
          </Dialog.Description>
          <SaveForm
            mode={mode}
            initial={initial}
            onSubmit={onSubmit}
            pending={pending}
            error={error}
            onRevealCode={onRevealCode}
          />
        </Dialog.Content>
      </Dialog.Portal>
    </Dialog.Root>
  );
}

/** Mounted while the dialog is open, so each opening starts from `initial`. */
function SaveForm({
  mode,
  initial,
  onSubmit,
  pending,
  error,
  onRevealCode,
}: Pick<
  Parameters<typeof SaveDialog>[0],
  "mode" | "initial" | "onSubmit" | "pending" | "error" | "onRevealCode"
>) {
  const [values, setValues] = useState(initial);
  const set = (key: keyof SaveValues) => (e: { target: { value: string } }) =>
    setValues((v) => ({ ...v, [key]: e.target.value }));
  const issues = issuesByField(fieldIssues(error), FIELDS);
  const general = [
    ...(issues[""] ?? []),
    ...(issues.policySettings ?? []),
    ...(issues.policyParameters ?? []),
  ];
  const message = error instanceof Error ? error.message : error ? String(error) : undefined;
  const unexplained = message && fieldIssues(error).length === 0 ? [message] : [];
  const codeErrors = issues.code ?? [];
  return (
    <form
      className="mt-5 space-y-4"
      onSubmit={(e) => {
        e.preventDefault();
        onSubmit(values);
      }}
    >
      {mode === "new" ? (
        <Field id="name" label="Name" errors={issues.name} hint="Letters, digits, '.', '-' or '_'">
          <Input id="name" value={values.name} onChange={set("name")} className="w-full font-mono" required />
        </Field>
      ) : null}
      <div className="grid grid-cols-2 gap-3">
        <Field
          id="version"
          label="Version"
          errors={issues.version}
          hint={mode === "version" ? "The next patch is suggested" : undefined}
        >
          <Input
            id="version"
            value={values.version}
            onChange={set("version")}
            className="w-full font-mono"
            required
            autoFocus
            data-testid="version-input"
          />
        </Field>
        <Field id="releaseTag" label="Release tag" errors={issues.releaseTag}>
          <Input
            id="releaseTag"
            value={values.releaseTag}
            onChange={set("releaseTag")}
            className="w-full font-mono"
            required
            data-testid="release-tag-input"
          />
        </Field>
      </div>
      <Field id="description" label="Description" errors={issues.description}>
        <Input id="description" value={values.description} onChange={set("description")} className="w-full" />
      </Field>
      <label className="flex items-start gap-2 text-sm text-zinc-700">
        <input
          type="checkbox"
          checked={values.saveDefaults}
          onChange={(e) => setValues((v) => ({ ...v, saveDefaults: e.target.checked }))}
          className="mt-0.5 accent-accent-600"
        />
        Store the dry run's settings and parameters as the defaults
      </label>
      {codeErrors.length > 0 || general.length > 0 || unexplained.length > 0 ? (
        <div
          role="alert"
          className="space-y-1 rounded-md bg-red-50 p-3 text-xs text-red-800"
          data-testid="save-error"
        >
          {[...codeErrors, ...general, ...unexplained].map((e) => {
            const at = codeErrors.includes(e) ? positionInMessage(e) : undefined;
            return (
              <p key={e} className="break-words">
                {e}
                {at ? (
                  <button
                    type="button"
                    className="ml-1 inline-flex items-center gap-0.5 font-medium underline-offset-2 hover:underline"
                    onClick={() => onRevealCode(at.line, at.column)}
                  >
                    <CornerDownRight className="size-3" />
                    line {at.line}
                  </button>
                ) : null}
              </p>
            );
          })}
        </div>
      ) : null}
      <div className="flex justify-end gap-2 pt-2">
        <Dialog.Close asChild>
          <Button>Cancel</Button>
        </Dialog.Close>
        <Button type="submit" variant="primary" disabled={pending} data-testid="save-submit">
          <Save />
          {pending ? "Saving…" : mode === "new" ? "Create" : "Save version"}
        </Button>
      </div>
    </form>
  );
}
