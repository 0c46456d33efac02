"use client";

import type { TComponentRecord } from "@aios/contracts";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { Braces, Play } from "lucide-react";
import { type FormEvent, type ReactNode, useId, useState } from "react";
import { issuesOf } from "@/components/json-editor/spec-check";
import { GateReason } from "@/components/session/gate-reason";
import { useRoleGate } from "@/components/session/use-principal";
import { Button } from "@/components/ui/button";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { Input, Textarea } from "@/components/ui/input";
import { asObject } from "@/lib/doc";
import { useTRPC } from "@/trpc/react";
import {
  type BlockField,
  type BlockForm,
  blockValuesOf,
  errorsByField,
  type FieldErrors,
} from "./block-form";

const SELECT =
  "h-9 w-full rounded-md border border-zinc-200 bg-white px-2.5 text-sm text-zinc-800 shadow-xs outline-none focus:border-accent-500 focus:ring-2 focus:ring-accent-100 aria-invalid:border-red-400";

/**
 * The create-block form: a component, an id, where and how many, parameters. Checked with the
 * Parser's schema before sending; `parser.applySpec` then creates the block (`onCreated(id)`).
 */
export function CreateBlockForm({
  form,
  onChange,
  onCreated,
  onEditAsJson,
}: {
  form: BlockForm;
  onChange: (form: BlockForm) => void;
  onCreated: (blockId: string) => void;
  onEditAsJson: (values: Record<string, unknown>) => void;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const components = useQuery(trpc.components.list.queryOptions({ limit: 1000 }));
  const clusters = useQuery(trpc.clusters.list.queryOptions(undefined));
  const [errors, setErrors] = useState<FieldErrors>({});
  const [general, setGeneral] = useState<string[]>([]);
  const gate = useRoleGate("operator");
  const apply = useMutation(
    trpc.parser.applySpec.mutationOptions({
      onSuccess: async (outcome) => {
        await queryClient.invalidateQueries({ queryKey: trpc.blocks.list.pathKey() });
        onCreated(outcome.target);
      },
      onError: (error) => {
        const { fields, general } = errorsByField(issuesOf(error));
        setErrors(fields);
        setGeneral(general.length > 0 || Object.keys(fields).length > 0 ? general : [error.message]);
      },
    }),
  );
  const set = (field: BlockField) => (value: string) => {
    onChange({ ...form, [field]: value });
    if (errors[field]) setErrors({ ...errors, [field]: undefined });
  };
  const component = components.data?.find((c) => c.componentURI === form.componentURI);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    setGeneral([]);
    const checked = blockValuesOf(form);
    if (!checked.ok) {
      setErrors(checked.errors);
      return;
    }
    setErrors({});
    apply.mutate({
      document: {
        header: { templateUri: "Parser/V1", action: "createBlock" },
        body: { spec: { values: checked.values } },
      },
    });
  };
  const editAsJson = () => {
    const checked = blockValuesOf(form);
    onEditAsJson(checked.ok ? checked.values : draftValues(form));
  };

  return (
    <Card className="overflow-hidden">
      <CardHeader
        title="New block"
        description="A running instance of a registered component, on one cluster."
      />
      <form onSubmit={submit} noValidate>
        <CardBody className="grid gap-5 md:grid-cols-2">
          <Field id="componentURI" label="Component" error={errors.componentURI} className="md:col-span-2">
            {(props) => (
              <select
                {...props}
                value={form.componentURI}
                onChange={(e) => set("componentURI")(e.target.value)}
                className={SELECT}
                data-testid="block-component"
                disabled={components.isPending}
              >
                <option value="">
                  {components.isPending ? "Loading components…" : "Choose a component"}
                </option>
                {components.data?.map((c) => (
                  <option key={c.componentURI} value={c.componentURI}>
                    {c.componentURI}
                  </option>
                ))}
              </select>
            )}
          </Field>
          {components.isError ? (
            <p role="alert" className="text-sm text-red-700 md:col-span-2">
              Could not load the components: {components.error.message}
            </p>
          ) : null}
          <Field
            id="blockId"
            label="Block id"
            hint="Lower-case letters, digits and '-'. Empty: the API picks blk-xxxxxxxx."
            error={errors.blockId}
          >
            {(props) => (
              <Input
                {...props}
                value={form.blockId}
                onChange={(e) => set("blockId")(e.target.value)}
                placeholder="e.g. echo-1"
                autoComplete="off"
                spellCheck={false}
                className="h-9 w-full px-2.5 font-mono"
                data-testid="block-id"
              />
            )}
          </Field>
          <Field id="clusterId" label="Cluster" error={errors.clusterId}>
            {(props) => (
              <select
                {...props}
                value={form.clusterId}
                onChange={(e) => set("clusterId")(e.target.value)}
                className={SELECT}
                data-testid="block-cluster"
              >
                <option value="">Any cluster (the allocator decides)</option>
                {clusters.data?.map((c) => (
                  <option key={c.id} value={c.id}>
                    {c.id}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <Field id="minInstances" label="Min instances" error={errors.minInstances}>
            {(props) => (
              <Input
                {...props}
                type="number"
                min={0}
                step={1}
                value={form.minInstances}
                onChange={(e) => set("minInstances")(e.target.value)}
                className="h-9 w-full px-2.5 tabular-nums"
                data-testid="block-min"
              />
            )}
          </Field>
          <Field id="maxInstances" label="Max instances" error={errors.maxInstances}>
            {(props) => (
              <Input
                {...props}
                type="number"
                min={1}
                step={1}
                value={form.maxInstances}
                onChange={(e) => set("maxInstances")(e.target.value)}
                className="h-9 w-full px-2.5 tabular-nums"
                data-testid="block-max"
              />
            )}
          </Field>
          <Field
            id="parameters"
            label="Parameters (JSON object)"
            hint={<ParametersHint component={component} onUse={(v) => set("parameters")(v)} />}
            error={errors.parameters}
            className="md:col-span-2"
          >
            {(props) => (
              <Textarea
                {...props}
                rows={4}
                value={form.parameters}
                onChange={(e) => set("parameters")(e.target.value)}
                placeholder="{} (empty: the component's defaults)"
                spellCheck={false}
                data-testid="block-parameters"
              />
            )}
          </Field>
          {general.length > 0 ? (
            <div
              role="alert"
              className="space-y-1 text-sm text-red-700 md:col-span-2"
              data-testid="create-error"
            >
              {general.map((m) => (
                <p key={m}>{m}</p>
              ))}
            </div>
          ) : null}
        </CardBody>
        <div className="flex items-center justify-end gap-2 border-t border-zinc-100 px-5 py-3">
          <GateReason gate={gate} />
          <Button variant="ghost" onClick={editAsJson}>
            <Braces />
            Edit as JSON
          </Button>
          <Button
            type="submit"
            variant="primary"
            disabled={apply.isPending || gate.disabled}
            title={gate.reason}
            data-testid="create-block-submit"
          >
            <Play />
            {apply.isPending ? "Creating…" : "Create block"}
          </Button>
        </div>
      </form>
    </Card>
  );
}

/** What the form holds, as values, even when it does not check (for the JSON editor to fix). */
function draftValues(form: BlockForm): Record<string, unknown> {
  const values: Record<string, unknown> = {
    blockComponentURI: form.componentURI,
    minInstances: Number(form.minInstances) || 0,
    maxInstances: Number(form.maxInstances) || 1,
  };
  if (form.blockId.trim()) values.blockId = form.blockId.trim();
  if (form.clusterId) values.clusterId = form.clusterId;
  try {
    if (form.parameters.trim()) values.parameters = JSON.parse(form.parameters);
  } catch {
    // Left out: the editor starts without them.
  }
  return values;
}

function ParametersHint({
  component,
  onUse,
}: {
  component: TComponentRecord | undefined;
  onUse: (text: string) => void;
}) {
  const defaults = asObject(component?.doc.componentParameters);
  if (!defaults || Object.keys(defaults).length === 0) return <>Empty: the component's defaults.</>;
  const text = JSON.stringify(defaults);
  return (
    <>
      Empty: the component's defaults <code className="font-mono">{text}</code>.{" "}
      <button
        type="button"
        className="font-medium text-accent-700 underline-offset-2 hover:underline"
        onClick={() => onUse(JSON.stringify(defaults, null, 2))}
      >
        Start from them
      </button>
    </>
  );
}

/** A labelled control with its hint and error wired for screen readers. */
function Field({
  id,
  label,
  hint,
  error,
  className,
  children,
}: {
  id: string;
  label: string;
  hint?: ReactNode;
  error?: string;
  className?: string;
  children: (props: { id: string; "aria-invalid": boolean; "aria-describedby": string }) => ReactNode;
}) {
  const uid = `${useId()}-${id}`;
  return (
    <div className={className}>
      <label htmlFor={uid} className="mb-1.5 block text-sm font-medium text-zinc-800">
        {label}
      </label>
      {children({ id: uid, "aria-invalid": Boolean(error), "aria-describedby": `${uid}-note` })}
      <div id={`${uid}-note`}>
        {error ? (
          <p className="mt-1 text-xs text-red-700" data-testid={`field-error-${id}`}>
            {error}
          </p>
        ) : hint ? (
          <p className="mt-1 text-xs text-zinc-500">{hint}</p>
        ) : null}
      </div>
    </div>
  );
}
