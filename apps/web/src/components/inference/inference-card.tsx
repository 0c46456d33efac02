"use client";

import { type UseQueryResult, useQuery } from "@tanstack/react-query";
import { type ReactNode, useState } from "react";
import { usePrincipal } from "@/components/session/use-principal";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { CodeBlock } from "@/components/ui/code-block";
import { CopyButton } from "@/components/ui/copy-button";
import { Skeleton } from "@/components/ui/skeleton";
import { WarningAlert } from "@/components/ui/warning-alert";
import { cn } from "@/lib/cn";
import type { PublicEndpoints } from "@/lib/env";
import { roleGate } from "@/lib/session/role-gate";
import {
  PLACEHOLDER_INPUT,
  restInferUrl,
  SNIPPETS,
  type SnippetId,
  type SnippetTarget,
  snippetInputs,
  type TensorMeta,
} from "./snippets";

/** A block or a vDAG as a model of the Open Inference Protocol. */
export interface InferenceModelRef {
  kind: "block" | "vdag";
  /** A block's id, a vDAG's URI. */
  name: string;
  /** A block's component version-tag (`1.0.0-stable`), a vDAG's own. */
  version: string;
  /** A vDAG's name alone, which reaches it too with `version` apart. */
  alias?: string;
}

/** `GET /v2/models/<name>`. */
interface ModelMetadata {
  name: string;
  versions?: string[];
  platform?: string;
  inputs?: TensorMeta[];
  outputs?: TensorMeta[];
}

/** The model's metadata through the console's `/v2/models/<name>` proxy, as the signed-in user. */
async function fetchModelMetadata(name: string): Promise<ModelMetadata> {
  const res = await fetch(`/v2/models/${encodeURIComponent(name)}`, {
    headers: { accept: "application/json" },
  });
  const body = (await res.json().catch(() => null)) as (ModelMetadata & { error?: unknown }) | null;
  if (!res.ok || !body) {
    const reason = typeof body?.error === "string" ? body.error : res.statusText;
    throw new Error(`HTTP ${res.status}${reason ? `: ${reason}` : ""}`);
  }
  return body;
}

const tensorText = (t: TensorMeta) => `${t.name} (${t.datatype} [${t.shape.join(", ")}])`;

/**
 * Where and how to call a block or a vDAG over the Open Inference Protocol v2: the REST endpoint,
 * the gRPC address and model name (each to copy), its tensors, and ready-made clients (curl, Python
 * tritonclient over HTTP and gRPC, grpcurl) filled with its inputs. Without the model's metadata
 * (no rights, removed) the clients carry a placeholder input and the card says why.
 */
export function InferenceCard({
  model,
  endpoints,
}: {
  model: InferenceModelRef;
  endpoints: PublicEndpoints;
}) {
  const [tab, setTab] = useState<SnippetId>("curl");
  // A model's metadata needs the data plane's roles: a viewer is told so, and nothing is asked.
  const who = usePrincipal();
  const gate = roleGate(who.isSuccess ? who.data.principal : undefined, "operator");
  const metadata = useQuery({
    queryKey: ["open-inference", "model-metadata", model.name],
    queryFn: () => fetchModelMetadata(model.name),
    enabled: who.isSuccess && !gate.disabled,
    retry: false,
    staleTime: 30_000,
  });
  const target: SnippetTarget = {
    model: model.name,
    inputs: snippetInputs(metadata.data?.inputs),
    outputs: metadata.data?.outputs ?? [],
    apiUrl: endpoints.apiUrl,
    grpcAddress: endpoints.grpcAddress,
  };
  const active = SNIPPETS.find((s) => s.id === tab) ?? SNIPPETS[0];
  const restUrl = restInferUrl(endpoints.apiUrl, model.name);
  const what = model.kind === "block" ? "block" : "vDAG";
  return (
    <Card className="overflow-hidden" data-testid="oip-card">
      <CardHeader
        title="Open Inference Protocol"
        description={
          <>
            Call this {what} from any Open Inference Protocol v2 client (Triton&apos;s tritonclient, KServe)
            as the model <Mono testId="oip-model-name">{model.name}</Mono>, version{" "}
            <Mono>{model.version}</Mono>
            {model.alias ? (
              <>
                {" "}
                (or the name <Mono>{model.alias}</Mono> with that version)
              </>
            ) : null}
            . Send <Mono>Authorization: Bearer &lt;token&gt;</Mono>: an API token, or a data key scoped to
            this {what} (Tokens page); the snippets read it from <Mono>$AIOS_TOKEN</Mono>.
          </>
        }
      />
      <CardBody className="space-y-4">
        <dl className="grid gap-3 sm:grid-cols-2">
          <Address label="REST" value={restUrl} testId="oip-rest-endpoint" />
          <Address
            label="gRPC"
            value={endpoints.grpcAddress}
            testId="oip-grpc-address"
            note={`inference.GRPCInferenceService · model_name ${model.name}`}
          />
        </dl>
        <Tensors metadata={metadata} blocked={who.isSuccess ? gate.reason : undefined} />
        <div>
          <div
            role="tablist"
            aria-label="Client snippets"
            className="flex flex-wrap border-b border-zinc-100"
          >
            {SNIPPETS.map((s) => (
              <button
                key={s.id}
                type="button"
                role="tab"
                aria-selected={tab === s.id}
                aria-controls="oip-snippet"
                onClick={() => setTab(s.id)}
                className={cn(
                  "-mb-px border-b-2 px-3 py-2 text-xs font-medium",
                  tab === s.id
                    ? "border-accent-600 text-accent-700"
                    : "border-transparent text-zinc-500 hover:text-zinc-800",
                )}
                data-testid={`oip-tab-${s.id}`}
              >
                {s.label}
              </button>
            ))}
          </div>
          <div id="oip-snippet" role="tabpanel" className="mt-3">
            <CodeBlock value={active?.build(target) ?? ""} plain maxHeight="24rem" testId="oip-snippet" />
          </div>
        </div>
      </CardBody>
    </Card>
  );
}

function Mono({ children, testId }: { children: ReactNode; testId?: string }) {
  return (
    <code className="font-mono text-xs text-zinc-700" data-testid={testId}>
      {children}
    </code>
  );
}

function Address({
  label,
  value,
  testId,
  note,
}: {
  label: string;
  value: string;
  testId: string;
  note?: string;
}) {
  return (
    <div className="min-w-0">
      <dt className="text-xs font-medium uppercase tracking-wide text-zinc-400">{label}</dt>
      <dd className="mt-1 flex items-center gap-1">
        <code className="min-w-0 break-all font-mono text-[13px] text-zinc-800" data-testid={testId}>
          {value}
        </code>
        <CopyButton
          text={value}
          className="shrink-0 text-zinc-400 hover:bg-zinc-100 hover:text-zinc-700"
          label={`Copy the ${label} address`}
        />
      </dd>
      {note ? <dd className="mt-0.5 break-all font-mono text-xs text-zinc-500">{note}</dd> : null}
    </div>
  );
}

/** The model's inputs and outputs, or why they could not be read and what the snippets use instead. */
function Tensors({
  metadata,
  blocked,
}: {
  metadata: UseQueryResult<ModelMetadata, Error>;
  /** Why this user may not read the metadata (not asked then). */
  blocked: string | undefined;
}) {
  if (blocked) return <MetadataAlert reason={blocked} />;
  if (metadata.isPending) return <Skeleton className="h-5 w-2/3" />;
  if (metadata.isError) return <MetadataAlert reason={metadata.error.message} />;
  const inputs = metadata.data.inputs ?? [];
  const outputs = metadata.data.outputs ?? [];
  return (
    <dl className="grid gap-3 text-sm sm:grid-cols-2" data-testid="oip-tensors">
      <div>
        <dt className="text-xs font-medium uppercase tracking-wide text-zinc-400">Inputs</dt>
        <dd className="mt-1 font-mono text-[13px] text-zinc-800" data-testid="oip-inputs">
          {inputs.length > 0
            ? inputs.map(tensorText).join(", ")
            : `none declared: any name is taken (the snippets send ${tensorText(PLACEHOLDER_INPUT)})`}
        </dd>
      </div>
      <div>
        <dt className="text-xs font-medium uppercase tracking-wide text-zinc-400">Outputs</dt>
        <dd className="mt-1 font-mono text-[13px] text-zinc-800" data-testid="oip-outputs">
          {outputs.length > 0 ? outputs.map(tensorText).join(", ") : "none declared: whatever it answers"}
        </dd>
      </div>
    </dl>
  );
}

/** Why the model's tensors are not shown, and what the snippets send instead. */
function MetadataAlert({ reason }: { reason: string }) {
  return (
    <WarningAlert title="Could not read the model's tensors:" testId="oip-metadata-error">
      <span className="break-words">{reason}</span>. The snippets send a placeholder input,{" "}
      <code className="font-mono text-xs">{tensorText(PLACEHOLDER_INPUT)}</code>.
    </WarningAlert>
  );
}
