"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { Plus } from "lucide-react";
import { type FormEvent, type ReactNode, useId, useRef, useState } from "react";
import { GateReason } from "@/components/session/gate-reason";
import { useRoleGate } from "@/components/session/use-principal";
import { Button } from "@/components/ui/button";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { FormError, FormField, Input } from "@/components/ui/input";
import {
  REGISTRY_FIELDS,
  type RegistryForm,
  registryCreateOf,
} from "@/lib/container-registries/registry-form";
import { fieldIssues, issuesByField } from "@/lib/policy/api-issues";
import { useTRPC } from "@/trpc/react";

type TextField = Exclude<keyof RegistryForm, "password">;
const EMPTY: Record<TextField, string> = { containerRegistryId: "", url: "", username: "", tags: "" };

/**
 * Adds a container registry (`containerRegistries.create`, admins): id, address, and optionally a
 * username and password. The password field is uncontrolled, so its value never becomes an
 * attribute of the page; it is cleared once the API accepted it, and no read ever answers it.
 * The API's refusals are shown under the field they name.
 */
export function AddContainerRegistry() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const gate = useRoleGate("admin");
  const ids = { id: useId(), url: useId(), username: useId(), password: useId(), tags: useId() };
  const formRef = useRef<HTMLFormElement>(null);
  const [form, setForm] = useState(EMPTY);
  const create = useMutation(
    trpc.containerRegistries.create.mutationOptions({
      onSuccess: async () => {
        setForm(EMPTY);
        formRef.current?.reset();
        await queryClient.invalidateQueries({ queryKey: trpc.containerRegistries.pathKey() });
      },
    }),
  );
  const issues = issuesByField(fieldIssues(create.error), REGISTRY_FIELDS);
  const general =
    issues[""] ?? (create.error && fieldIssues(create.error).length === 0 ? [create.error.message] : []);
  const set = (field: TextField) => (e: { target: { value: string } }) =>
    setForm((f) => ({ ...f, [field]: e.target.value }));
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const password = new FormData(e.currentTarget as HTMLFormElement).get("password");
    create.mutate(registryCreateOf({ ...form, password: typeof password === "string" ? password : "" }));
  };
  return (
    <Card className="overflow-hidden" data-testid="add-registry">
      <CardHeader
        title="Add a container registry"
        description="Leave username and password empty for anonymous pulls. The password is kept encrypted and never shown again."
      />
      <CardBody className="space-y-3">
        {gate.disabled ? (
          <GateReason gate={gate} />
        ) : (
          <form ref={formRef} onSubmit={submit} noValidate className="flex flex-wrap items-start gap-3">
            <Field htmlFor={ids.id} label="ID" errors={issues.containerRegistryId} name="containerRegistryId">
              <Input
                id={ids.id}
                value={form.containerRegistryId}
                onChange={set("containerRegistryId")}
                placeholder="ghcr"
                className="w-40 font-mono"
                data-testid="registry-id"
              />
            </Field>
            <Field htmlFor={ids.url} label="URL" errors={issues.url} name="url">
              <Input
                id={ids.url}
                value={form.url}
                onChange={set("url")}
                placeholder="ghcr.io"
                className="w-56 font-mono"
                data-testid="registry-url"
              />
            </Field>
            <Field
              htmlFor={ids.username}
              label="Username (optional)"
              errors={issues.username}
              name="username"
            >
              <Input
                id={ids.username}
                value={form.username}
                onChange={set("username")}
                autoComplete="off"
                className="w-40"
                data-testid="registry-username"
              />
            </Field>
            <Field htmlFor={ids.password} label="Password or token" errors={issues.password} name="password">
              <Input
                id={ids.password}
                name="password"
                type="password"
                autoComplete="new-password"
                className="w-48"
                data-testid="registry-password"
              />
            </Field>
            <Field htmlFor={ids.tags} label="Tags (optional)" errors={issues.tags} name="tags">
              <Input
                id={ids.tags}
                value={form.tags}
                onChange={set("tags")}
                placeholder="team-a, prod"
                className="w-40"
                data-testid="registry-tags"
              />
            </Field>
            <Button
              type="submit"
              variant="primary"
              size="sm"
              className="mt-5 h-8"
              disabled={create.isPending}
              data-testid="add-registry-submit"
            >
              <Plus />
              {create.isPending ? "Adding…" : "Add registry"}
            </Button>
          </form>
        )}
        {general.length > 0 ? <FormError testId="add-registry-error">{general.join("; ")}</FormError> : null}
      </CardBody>
    </Card>
  );
}

/** A labelled control with the API's refusals of it underneath (`field-error-<name>`). */
function Field(props: {
  htmlFor: string;
  label: string;
  name: string;
  errors?: string[];
  children: ReactNode;
}) {
  return (
    <div className="max-w-64 space-y-1">
      <FormField htmlFor={props.htmlFor} label={props.label}>
        {props.children}
      </FormField>
      {props.errors?.map((e) => (
        <p key={e} role="alert" className="text-xs text-red-700" data-testid={`field-error-${props.name}`}>
          {e}
        </p>
      ))}
    </div>
  );
}
