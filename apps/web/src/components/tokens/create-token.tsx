"use client";

import { ISSUABLE_ROLES, type TApiTokenIssued } from "@aios/contracts";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { KeyRound } from "lucide-react";
import { type FormEvent, useId, useState } from "react";
import { Button } from "@/components/ui/button";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { CopyButton } from "@/components/ui/copy-button";
import { FormError, FormField, Input, OptionSelect } from "@/components/ui/input";
import { errorText } from "@/lib/policy/api-issues";
import { parseScopes } from "@/lib/tokens/token-state";
import { useTRPC } from "@/trpc/react";

type IssuableRole = (typeof ISSUABLE_ROLES)[number];

/**
 * Issues a token (`tokens.create`): a name, a role, an optional lifetime (`30d`, `1h`) and, for a
 * data key, the blocks and vDAGs it may invoke. The secret is shown here once; the API keeps only
 * its hash, so it cannot be shown again.
 */
export function CreateToken() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const ids = { name: useId(), role: useId(), expires: useId(), scopes: useId() };
  const [name, setName] = useState("");
  const [role, setRole] = useState<IssuableRole>("viewer");
  const [expires, setExpires] = useState("");
  const [scopes, setScopes] = useState("");
  const [issued, setIssued] = useState<TApiTokenIssued | null>(null);
  const create = useMutation(
    trpc.tokens.create.mutationOptions({
      onSuccess: async (token) => {
        setIssued(token);
        setName("");
        await queryClient.invalidateQueries({ queryKey: trpc.tokens.pathKey() });
      },
    }),
  );
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setIssued(null);
    create.mutate({
      name: name.trim(),
      role,
      ...(expires.trim() ? { expiresIn: expires.trim() } : {}),
      ...(role === "data" ? { scopes: parseScopes(scopes) } : {}),
    });
  };
  return (
    <Card className="overflow-hidden" data-testid="create-token">
      <CardHeader
        title="Create a token"
        description="Its secret is shown once, here; only its hash is kept."
      />
      <CardBody className="space-y-3">
        <form onSubmit={submit} noValidate className="flex flex-wrap items-end gap-3">
          <FormField htmlFor={ids.name} label="Name">
            <Input
              id={ids.name}
              value={name}
              onChange={(e) => setName(e.target.value)}
              placeholder="ana (laptop)"
              className="w-56"
              data-testid="token-name"
            />
          </FormField>
          <FormField htmlFor={ids.role} label="Role">
            <OptionSelect
              id={ids.role}
              value={role}
              onChange={(e) => setRole(e.target.value as IssuableRole)}
              className="w-32"
              data-testid="token-role"
              options={ISSUABLE_ROLES.map((r) => ({ value: r }))}
            />
          </FormField>
          <FormField htmlFor={ids.expires} label="Expires in (optional)">
            <Input
              id={ids.expires}
              value={expires}
              onChange={(e) => setExpires(e.target.value)}
              placeholder="30d"
              className="w-32 font-mono"
              data-testid="token-expires"
            />
          </FormField>
          {role === "data" ? (
            <FormField htmlFor={ids.scopes} label="Scopes">
              <Input
                id={ids.scopes}
                value={scopes}
                onChange={(e) => setScopes(e.target.value)}
                placeholder="vdag:text-pipeline:*, block:echo"
                className="w-72 font-mono"
                data-testid="token-scopes"
              />
            </FormField>
          ) : null}
          <Button
            type="submit"
            variant="primary"
            size="sm"
            className="h-8"
            disabled={create.isPending || name.trim() === ""}
            data-testid="create-token-submit"
          >
            <KeyRound />
            {create.isPending ? "Creating…" : "Create token"}
          </Button>
        </form>
        {create.isError ? <FormError testId="create-token-error">{errorText(create.error)}</FormError> : null}
        {issued ? <IssuedSecret token={issued} /> : null}
      </CardBody>
    </Card>
  );
}

function IssuedSecret({ token }: { token: TApiTokenIssued }) {
  return (
    <div className="space-y-1.5 rounded-md bg-amber-50 p-3 ring-1 ring-amber-200" data-testid="token-secret">
      <p className="text-sm text-amber-900">
        <span className="font-medium">{token.name}</span> ({token.role}): copy the secret now; it will not be
        shown again.
      </p>
      <div className="flex items-center gap-2 rounded bg-zinc-900 px-3 py-2">
        <code
          className="flex-1 break-all font-mono text-[13px] text-emerald-300"
          data-testid="token-secret-value"
        >
          {token.token}
        </code>
        <CopyButton text={token.token} />
      </div>
    </div>
  );
}
