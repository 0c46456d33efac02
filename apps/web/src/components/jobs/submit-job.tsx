"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { Send } from "lucide-react";
import { useRouter } from "next/navigation";
import { type FormEvent, useId, useState } from "react";
import { GateReason } from "@/components/session/gate-reason";
import { useRoleGate } from "@/components/session/use-principal";
import { Button } from "@/components/ui/button";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { FormError, FormField, Input, OptionSelect, Textarea } from "@/components/ui/input";
import { errorText } from "@/lib/policy/api-issues";
import { parseJson } from "@/lib/policy/json-text";
import { routes } from "@/lib/routes";
import { useTRPC } from "@/trpc/react";

/** The example a first-time user can run as is: word statistics of a text. */
const DEFAULT_POLICY = "word-stats:1.0.0-stable";

/**
 * Submits a policy to run once on a cluster (`policies.submitJob`) with a JSON input, then opens
 * the job's page, which follows it until it finishes.
 */
export function SubmitJob() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const router = useRouter();
  const ids = { policy: useId(), cluster: useId(), name: useId(), input: useId() };
  const policies = useQuery(trpc.policies.list.queryOptions({ limit: 1000 }));
  const clusters = useQuery(trpc.clusters.list.queryOptions(undefined));
  const [policy, setPolicy] = useState("");
  const [cluster, setCluster] = useState("");
  const [name, setName] = useState("");
  const [input, setInput] = useState('"some text to count"');
  const [inputError, setInputError] = useState<string | null>(null);
  const gate = useRoleGate("operator");
  const submitJob = useMutation(
    trpc.policies.submitJob.mutationOptions({
      onSuccess: async (job) => {
        await queryClient.invalidateQueries({ queryKey: trpc.policies.jobs.pathKey() });
        router.push(routes.job(job.id));
      },
    }),
  );
  const rows = policies.data ?? [];
  const policyURI =
    policy ||
    rows.find((p) => p.policyRuleURI === DEFAULT_POLICY)?.policyRuleURI ||
    rows[0]?.policyRuleURI ||
    "";
  const clusterId = cluster || clusters.data?.[0]?.id || "";
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const parsed = parseJson(input, "the input");
    setInputError(parsed.ok ? null : parsed.message);
    if (!parsed.ok) return submitJob.reset();
    submitJob.mutate({
      policyRuleURI: policyURI,
      clusterId,
      input: parsed.value,
      ...(name.trim() ? { name: name.trim() } : {}),
    });
  };
  return (
    <Card className="overflow-hidden" data-testid="submit-job">
      <CardHeader
        title="Submit a job"
        description="Runs a policy once, in a fresh sandbox on the cluster's agent."
      />
      <CardBody className="space-y-3">
        <form onSubmit={submit} noValidate className="grid gap-3 sm:grid-cols-3">
          <FormField htmlFor={ids.policy} label="Policy">
            <OptionSelect
              id={ids.policy}
              value={policyURI}
              onChange={(e) => setPolicy(e.target.value)}
              className="w-full font-mono"
              data-testid="job-policy"
              options={rows.map((p) => ({ value: p.policyRuleURI, label: `${p.policyRuleURI} (${p.kind})` }))}
            />
          </FormField>
          <FormField htmlFor={ids.cluster} label="Cluster">
            <OptionSelect
              id={ids.cluster}
              value={clusterId}
              onChange={(e) => setCluster(e.target.value)}
              className="w-full font-mono"
              data-testid="job-cluster"
              options={(clusters.data ?? []).map((c) => ({ value: c.id }))}
            />
          </FormField>
          <FormField htmlFor={ids.name} label="Name (optional)">
            <Input
              id={ids.name}
              value={name}
              onChange={(e) => setName(e.target.value)}
              className="w-full"
              data-testid="job-name"
            />
          </FormField>
          <FormField htmlFor={ids.input} className="sm:col-span-3" label="Input (JSON)">
            <Textarea
              id={ids.input}
              rows={3}
              value={input}
              onChange={(e) => setInput(e.target.value)}
              spellCheck={false}
              data-testid="job-input"
            />
          </FormField>
          <div className="sm:col-span-3">
            <Button
              type="submit"
              variant="primary"
              size="sm"
              disabled={submitJob.isPending || policyURI === "" || clusterId === "" || gate.disabled}
              title={gate.reason}
              data-testid="job-submit"
            >
              <Send />
              {submitJob.isPending ? "Submitting…" : "Submit job"}
            </Button>
            <GateReason gate={gate} />
          </div>
        </form>
        {inputError || submitJob.isError ? (
          <FormError testId="job-submit-error">{inputError ?? errorText(submitJob.error)}</FormError>
        ) : null}
      </CardBody>
    </Card>
  );
}
