"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { Rocket } from "lucide-react";
import { useRouter } from "next/navigation";
import { type FormEvent, useId, useState } from "react";
import { Button } from "@/components/ui/button";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { Input, Select } from "@/components/ui/input";
import { errorText } from "@/lib/policy/api-issues";
import { routes } from "@/lib/routes";
import { useTRPC } from "@/trpc/react";

/**
 * Deploys a policy of kind function as N replicas on a cluster (`functions.deploy`), then opens the
 * function's page. The API checks the name, the policy and the cluster, and says which is wrong.
 */
export function DeployFunction() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const router = useRouter();
  const ids = { name: useId(), policy: useId(), cluster: useId(), replicas: useId() };
  const policies = useQuery(trpc.policies.list.queryOptions({ kind: "function", limit: 1000 }));
  const clusters = useQuery(trpc.clusters.list.queryOptions(undefined));
  const [name, setName] = useState("");
  const [policy, setPolicy] = useState("");
  const [cluster, setCluster] = useState("");
  const [replicas, setReplicas] = useState("1");
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
  const submit = (e: FormEvent) => {
    e.preventDefault();
    deploy.mutate({ name: name.trim(), policyRuleURI: policyURI, clusterId, replicas: Number(replicas) });
  };
  const label = "space-y-1 text-xs font-medium text-zinc-600";
  return (
    <Card className="overflow-hidden" data-testid="deploy-function">
      <CardHeader
        title="Deploy a function"
        description="A policy of kind function, run as replicas on a cluster."
      />
      <CardBody className="space-y-3">
        <form onSubmit={submit} noValidate className="flex flex-wrap items-end gap-3">
          <label htmlFor={ids.name} className={label}>
            <span className="block">Name</span>
            <Input
              id={ids.name}
              value={name}
              onChange={(e) => setName(e.target.value)}
              placeholder="tally"
              className="w-44 font-mono"
              data-testid="deploy-name"
            />
          </label>
          <label htmlFor={ids.policy} className={label}>
            <span className="block">Policy</span>
            <Select
              id={ids.policy}
              value={policyURI}
              onChange={(e) => setPolicy(e.target.value)}
              className="w-64 font-mono"
              data-testid="deploy-policy"
            >
              {(policies.data ?? []).map((p) => (
                <option key={p.policyRuleURI} value={p.policyRuleURI}>
                  {p.policyRuleURI}
                </option>
              ))}
            </Select>
          </label>
          <label htmlFor={ids.cluster} className={label}>
            <span className="block">Cluster</span>
            <Select
              id={ids.cluster}
              value={clusterId}
              onChange={(e) => setCluster(e.target.value)}
              className="w-40 font-mono"
              data-testid="deploy-cluster"
            >
              {(clusters.data ?? []).map((c) => (
                <option key={c.id} value={c.id}>
                  {c.id}
                </option>
              ))}
            </Select>
          </label>
          <label htmlFor={ids.replicas} className={label}>
            <span className="block">Replicas</span>
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
          </label>
          <Button
            type="submit"
            variant="primary"
            size="sm"
            className="h-8"
            disabled={deploy.isPending || name.trim() === "" || policyURI === "" || clusterId === ""}
            data-testid="deploy-submit"
          >
            <Rocket />
            {deploy.isPending ? "Deploying…" : "Deploy"}
          </Button>
        </form>
        {deploy.isError ? (
          <p role="alert" className="break-words text-sm text-red-700" data-testid="deploy-error">
            {errorText(deploy.error)}
          </p>
        ) : null}
      </CardBody>
    </Card>
  );
}
