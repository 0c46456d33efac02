"use client";

import type { TPolicyRecord } from "@aios/contracts";
import { type ReactNode, useEffect, useId, useState } from "react";
import { Input, Textarea } from "@/components/ui/input";
import { cn } from "@/lib/cn";
import { type JsonObject, type PolicyRef, patchObject } from "@/lib/vdag/document";

/** Form controls of the editor's side panels; each commits straight into the document. */

export const SELECT =
  "h-8 w-full rounded-md border border-zinc-200 bg-white px-2 text-sm text-zinc-800 shadow-xs outline-none focus:border-accent-500 focus:ring-2 focus:ring-accent-100";

export function Field({
  label,
  hint,
  error,
  children,
  htmlFor,
}: {
  label: string;
  hint?: ReactNode;
  error?: string | null;
  children: ReactNode;
  htmlFor?: string;
}) {
  return (
    <div className="space-y-1">
      <label htmlFor={htmlFor} className="block text-xs font-medium text-zinc-600">
        {label}
      </label>
      {children}
      {error ? (
        <p role="alert" className="text-xs text-red-700">
          {error}
        </p>
      ) : hint ? (
        <p className="text-[11px] text-zinc-400">{hint}</p>
      ) : null}
    </div>
  );
}

export function Section({
  title,
  children,
  actions,
}: {
  title: string;
  children: ReactNode;
  actions?: ReactNode;
}) {
  return (
    <section className="space-y-3 border-b border-zinc-100 px-4 py-4 last:border-b-0">
      <div className="flex items-center justify-between gap-2">
        <h4 className="text-[11px] font-semibold uppercase tracking-wider text-zinc-400">{title}</h4>
        {actions}
      </div>
      {children}
    </section>
  );
}

/** A text input that commits on every change. */
export function TextField({
  label,
  value,
  onChange,
  placeholder,
  hint,
  error,
  testId,
  mono = true,
}: {
  label: string;
  value: string | undefined;
  onChange: (v: string) => void;
  placeholder?: string;
  hint?: ReactNode;
  error?: string | null;
  testId?: string;
  mono?: boolean;
}) {
  const id = useId();
  return (
    <Field label={label} hint={hint} error={error} htmlFor={id}>
      <Input
        id={id}
        value={value ?? ""}
        placeholder={placeholder}
        onChange={(e) => onChange(e.target.value)}
        className={cn("w-full", mono && "font-mono text-[13px]")}
        data-testid={testId}
        spellCheck={false}
      />
    </Field>
  );
}

/** A number input; empty means "not set" (`undefined`). */
export function NumberField({
  label,
  value,
  onChange,
  hint,
  min,
  testId,
}: {
  label: string;
  value: unknown;
  onChange: (v: number | undefined) => void;
  hint?: ReactNode;
  min?: number;
  testId?: string;
}) {
  const id = useId();
  return (
    <Field label={label} hint={hint} htmlFor={id}>
      <Input
        id={id}
        type="number"
        min={min}
        value={typeof value === "number" ? value : ""}
        onChange={(e) => {
          const n = e.target.valueAsNumber;
          onChange(e.target.value === "" || !Number.isFinite(n) ? undefined : n);
        }}
        className="w-full tabular-nums"
        data-testid={testId}
      />
    </Field>
  );
}

/**
 * A JSON object in a textarea, committed when the field loses focus (not while typing, so a half
 * typed object does not reach the document). Empty means "not set".
 */
export function JsonField({
  label,
  value,
  onCommit,
  hint,
  testId,
}: {
  label: string;
  value: unknown;
  onCommit: (v: JsonObject | undefined) => void;
  hint?: ReactNode;
  testId?: string;
}) {
  const id = useId();
  const shown = value === undefined ? "" : JSON.stringify(value, null, 2);
  const [text, setText] = useState(shown);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    setText(shown);
    setError(null);
  }, [shown]);
  const commit = () => {
    if (text.trim() === "") {
      setError(null);
      if (value !== undefined) onCommit(undefined);
      return;
    }
    try {
      const parsed: unknown = JSON.parse(text);
      if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
        setError("must be a JSON object");
        return;
      }
      setError(null);
      if (JSON.stringify(parsed) !== JSON.stringify(value)) onCommit(parsed as JsonObject);
    } catch (err) {
      setError(`not valid JSON: ${(err as Error).message}`);
    }
  };
  return (
    <Field label={label} hint={hint} error={error} htmlFor={id}>
      <Textarea
        id={id}
        rows={Math.min(8, Math.max(2, text.split("\n").length))}
        value={text}
        onChange={(e) => setText(e.target.value)}
        onBlur={commit}
        placeholder="{}"
        spellCheck={false}
        className="text-xs"
        data-testid={testId}
        aria-invalid={error ? true : undefined}
      />
    </Field>
  );
}

/**
 * A policy rule of one kind (the select lists only those), with its settings as JSON. Choosing
 * "none" removes the rule; changing the policy keeps the settings and parameters.
 */
export function PolicyField({
  label,
  kind,
  value,
  policies,
  onChange,
  testId,
  settings = true,
  children,
}: {
  label: string;
  kind: string;
  value: PolicyRef | undefined;
  policies: TPolicyRecord[] | undefined;
  onChange: (v: PolicyRef | undefined) => void;
  testId?: string;
  /** Show the rule's settings as a JSON field. */
  settings?: boolean;
  children?: ReactNode;
}) {
  const id = useId();
  const uri = value?.policyRuleURI ?? "";
  const options = (policies ?? []).map((p) => p.policyRuleURI);
  if (uri && !options.includes(uri)) options.unshift(uri);
  return (
    <div className="space-y-2">
      <Field
        label={label}
        htmlFor={id}
        hint={policies && policies.length === 0 ? `No ${kind} policies registered yet.` : undefined}
      >
        <select
          id={id}
          className={cn(SELECT, "font-mono text-[13px]")}
          value={uri}
          onChange={(e) =>
            onChange(e.target.value ? { ...(value ?? {}), policyRuleURI: e.target.value } : undefined)
          }
          data-testid={testId}
        >
          <option value="">none</option>
          {options.map((o) => (
            <option key={o} value={o}>
              {o}
            </option>
          ))}
        </select>
      </Field>
      {value && settings ? (
        <JsonField
          label="Settings"
          value={value.settings}
          onCommit={(s) => onChange(patchObject(value, { settings: s }) as PolicyRef)}
          hint="Override the policy's default settings."
        />
      ) : null}
      {value ? children : null}
    </div>
  );
}
