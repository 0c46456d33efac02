"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { Plus } from "lucide-react";
import { useRouter } from "next/navigation";
import { type FormEvent, useId, useState } from "react";
import { GateReason } from "@/components/session/gate-reason";
import { useRoleGate } from "@/components/session/use-principal";
import { Button } from "@/components/ui/button";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { FormError, FormField, Input, Textarea } from "@/components/ui/input";
import { errorText } from "@/lib/policy/api-issues";
import { parseJsonObject } from "@/lib/policy/json-text";
import { routes } from "@/lib/routes";
import { useTRPC } from "@/trpc/react";

/**
 * Creates a graph over deployed functions (`graphs.create`): a name, a version and the edges as
 * `{"fnA": ["fnB"]}`. The API refuses cycles and functions that are not deployed, naming them.
 */
export function CreateGraph() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const router = useRouter();
  const ids = { name: useId(), version: useId(), edges: useId(), description: useId() };
  const functions = useQuery(trpc.functions.list.queryOptions({ limit: 1000 }));
  const [name, setName] = useState("");
  const [version, setVersion] = useState("1.0.0");
  const [edges, setEdges] = useState("");
  const [description, setDescription] = useState("");
  const [edgesError, setEdgesError] = useState<string | null>(null);
  const gate = useRoleGate("operator");
  const create = useMutation(
    trpc.graphs.create.mutationOptions({
      onSuccess: async (r) => {
        await queryClient.invalidateQueries({ queryKey: trpc.graphs.pathKey() });
        router.push(routes.graph(r.graph.graphURI));
      },
    }),
  );
  const names = (functions.data ?? []).map((f) => f.name);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const parsed = parseJsonObject(edges, "the graph");
    setEdgesError(parsed.ok ? null : parsed.message);
    if (!parsed.ok) return create.reset();
    create.mutate({
      name: name.trim(),
      version: version.trim(),
      graph: parsed.value as Record<string, string[]>,
      ...(description.trim() ? { description: description.trim() } : {}),
    });
  };
  return (
    <Card className="overflow-hidden" data-testid="create-graph">
      <CardHeader
        title="Create a graph"
        description={
          names.length
            ? `Deployed functions: ${names.join(", ")}.`
            : "Deploy the functions first: a graph only joins deployed functions."
        }
      />
      <CardBody className="space-y-3">
        <form onSubmit={submit} noValidate className="grid gap-3 sm:grid-cols-3">
          <FormField htmlFor={ids.name} label="Name">
            <Input
              id={ids.name}
              value={name}
              onChange={(e) => setName(e.target.value)}
              placeholder="tally-then-stats"
              className="w-full font-mono"
              data-testid="graph-name"
            />
          </FormField>
          <FormField htmlFor={ids.version} label="Version">
            <Input
              id={ids.version}
              value={version}
              onChange={(e) => setVersion(e.target.value)}
              className="w-full font-mono"
              data-testid="graph-version"
            />
          </FormField>
          <FormField htmlFor={ids.description} label="Description">
            <Input
              id={ids.description}
              value={description}
              onChange={(e) => setDescription(e.target.value)}
              className="w-full"
              data-testid="graph-description"
            />
          </FormField>
          <FormField
            htmlFor={ids.edges}
            className="sm:col-span-3"
            label="Edges (JSON: each function and the functions its output goes to)"
          >
            <Textarea
              id={ids.edges}
              rows={3}
              value={edges}
              onChange={(e) => setEdges(e.target.value)}
              placeholder={`{"${names[0] ?? "tally"}": ["${names[1] ?? "stats"}"]}`}
              spellCheck={false}
              data-testid="graph-edges"
            />
          </FormField>
          <div className="sm:col-span-3">
            <Button
              type="submit"
              variant="primary"
              size="sm"
              disabled={create.isPending || name.trim() === "" || edges.trim() === "" || gate.disabled}
              title={gate.reason}
              data-testid="graph-create"
            >
              <Plus />
              {create.isPending ? "Creating…" : "Create graph"}
            </Button>
            <GateReason gate={gate} />
          </div>
        </form>
        {edgesError || create.isError ? (
          <FormError testId="graph-create-error">{edgesError ?? errorText(create.error)}</FormError>
        ) : null}
      </CardBody>
    </Card>
  );
}
