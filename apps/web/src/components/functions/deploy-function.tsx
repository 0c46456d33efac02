"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { Rocket } from "lucide-react";
import { useRouter } from "next/navigation";
import { type FormEvent, useId, useState } from "react";
import { GateReason } from "@/components/session/gate-reason";
import { useRoleGate } from "@/components/session/use-principal";
import { Button } from "@/components/ui/button";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { FormError, FormField, Input, OptionSelect } from "@/components/ui/input";
import { errorText } from "@/lib/policy/api-issues";
import { routes } from "@/lib/routes";
import { useTRPC } from "@/trpc/react";

/**
 * Deploys a policy of kind function as N replicas on a cluster (`functions.deploy`), or autoscaled
 * by its agent from N up to a maximum by calls in flight per replica, then opens the function's page. The API checks the name, the policy and the cluster, and says which is wrong.
 */
export function DeployFunction() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const router = useRouter();
  const ids = {
    name: useId(),
    policy: useId(),
    cluster: useId(),
    replicas: useId(),
    maxReplicas: useId(),
    target: useId(),
  };
  const policies = useQuery(trpc.policies.list.queryOptions({ kind: "function", limit: 1000 }));
  const clusters = useQuery(trpc.clusters.list.queryOptions(undefined));
  const [name, setName] = useState("");
  const [policy, setPolicy] = useState("");
  const [cluster, setCluster] = useState("");
  const [replicas, setReplicas] = useState("1");
  // Autoscaled by its agent between Replicas and Max replicas, aiming at Target calls in flight per replica.
  const [autoscale, setAutoscale] = useState(false);
  const [maxReplicas, setMaxReplicas] = useState("4");
  const [target, setTarget] = useState("2");
  const deploy = useMutation(
    trpc.functions.deploy.mutationOptions({
      onSuccess: async (f) => {
        await queryClient.invalidateQueries({ queryKey: trpc.functions.pathKey() });
        router.push(routes.function(f.name));
      },
    }),
  );
  const policyURI = policy || policies.data?.[0]?.policyRuleURI || "";
  const clusterId = cluster || clusters.data?.[0]?.id || "";
  const gate = useRoleGate("operator");
  const submit = (e: FormEvent) => {
    e.preventDefault();
    deploy.mutate({
      name: name.trim(),
      policyRuleURI: policyURI,
      clusterId,
      replicas: Number(replicas),
      ...(autoscale
        ? {
            autoscaling: {
              minReplicas: Number(replicas),
              maxReplicas: Number(maxReplicas),
              targetInFlight: Number(target),
            },
          }
        : {}),
    });
  };
  return (
    <Card className="overflow-hidden" data-testid="deploy-function">
      <CardHeader
        title="Deploy a function"
        description="A policy of kind function, run as replicas on a cluster."
      />
      <CardBody className="space-y-3">
        <form onSubmit={submit} noValidate className="flex flex-wrap items-end gap-3">
          <FormField htmlFor={ids.name} label="Name">
            <Input
              id={ids.name}
              value={name}
              onChange={(e) => setName(e.target.value)}
              placeholder="tally"
              className="w-44 font-mono"
              data-testid="deploy-name"
            />
          </FormField>
          <FormField htmlFor={ids.policy} label="Policy">
            <OptionSelect
              id={ids.policy}
              value={policyURI}
              onChange={(e) => setPolicy(e.target.value)}
              className="w-64 font-mono"
              data-testid="deploy-policy"
              options={(policies.data ?? []).map((p) => ({ value: p.policyRuleURI }))}
            />
          </FormField>
          <FormField htmlFor={ids.cluster} label="Cluster">
            <OptionSelect
              id={ids.cluster}
              value={clusterId}
              onChange={(e) => setCluster(e.target.value)}
              className="w-40 font-mono"
              data-testid="deploy-cluster"
              options={(clusters.data ?? []).map((c) => ({ value: c.id }))}
            />
          </FormField>
          <FormField htmlFor={ids.replicas} label="Replicas">
            <Input
              id={ids.replicas}
              type="number"
              min={1}
              max={32}
              value={replicas}
              onChange={(e) => setReplicas(e.target.value)}
              className="w-20 tabular-nums"
              data-testid="deploy-replicas"
            />
          </FormField>
          <label className="flex h-8 items-center gap-2 text-xs font-medium text-zinc-600">
            <input
              type="checkbox"
              checked={autoscale}
              onChange={(e) => setAutoscale(e.target.checked)}
              data-testid="deploy-autoscale"
            />
            Autoscale
          </label>
          {autoscale ? (
            <>
              <FormField htmlFor={ids.maxReplicas} label="Max replicas">
                <Input
                  id={ids.maxReplicas}
                  type="number"
                  min={1}
                  max={32}
                  value={maxReplicas}
                  onChange={(e) => setMaxReplicas(e.target.value)}
                  className="w-20 tabular-nums"
                  data-testid="deploy-max-replicas"
                />
              </FormField>
              <FormField htmlFor={ids.target} label="In flight per replica">
                <Input
                  id={ids.target}
                  type="number"
                  min={0.1}
                  step={0.1}
                  value={target}
                  onChange={(e) => setTarget(e.target.value)}
                  className="w-24 tabular-nums"
                  data-testid="deploy-target"
                />
              </FormField>
            </>
          ) : null}
          <Button
            type="submit"
            variant="primary"
            size="sm"
            className="h-8"
            disabled={
              deploy.isPending || name.trim() === "" || policyURI === "" || clusterId === "" || gate.disabled
            }
            title={gate.reason}
            data-testid="deploy-submit"
          >
            <Rocket />
            {deploy.isPending ? "Deploying…" : "Deploy"}
          </Button>
        </form>
        <GateReason gate={gate} />
        {deploy.isError ? <FormError testId="deploy-error">{errorText(deploy.error)}</FormError> : null}
      </CardBody>
    </Card>
  );
}
