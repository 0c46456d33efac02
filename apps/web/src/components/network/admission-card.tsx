"use client";

import { useQuery } from "@tanstack/react-query";
import { TableCard } from "@/components/ui/card";
import { QueryView } from "@/components/ui/query-view";
import { RecordLink } from "@/components/ui/record-link";
import { Skeleton } from "@/components/ui/skeleton";
import { Table, TBody, Td, THead, Th, Tr } from "@/components/ui/table";
import { routes } from "@/lib/routes";
import { useTRPC } from "@/trpc/react";

/**
 * The network's admission rules: for each gateway action, the pre-check policy the network sets and
 * the clusters that set their own (a cluster's own map wins for actions on that cluster).
 */
export function AdmissionCard() {
  const trpc = useTRPC();
  const policies = useQuery(
    trpc.gateway.preCheckPolicies.queryOptions(undefined, { refetchInterval: 10_000 }),
  );
  return (
    <div data-testid="admission-card">
      <TableCard
        title="Admission"
        description="The gateway runs an action's pre-check policy before the action changes anything: it allows it, possibly modified, or denies it with a reason. Without a policy the action is allowed."
      >
        <QueryView query={policies} skeleton={<Skeleton className="m-5 h-24" />}>
          {({ actions, network, clusters }) => {
            const byAction = new Map(network.map((n) => [n.action, n.policyRuleURI]));
            const overrides = (action: string) =>
              clusters.flatMap((c) => {
                const uri = c.actionsPolicyMap[action];
                return uri ? [{ clusterId: c.clusterId, uri }] : [];
              });
            return (
              <Table>
                <THead>
                  <tr>
                    <Th>Action</Th>
                    <Th>Network policy</Th>
                    <Th>Clusters' own</Th>
                  </tr>
                </THead>
                <TBody>
                  {actions.map((action) => {
                    const uri = byAction.get(action);
                    const own = overrides(action);
                    return (
                      <Tr key={action} data-testid={`admission-${action}`}>
                        <Td className="font-mono text-xs">{action}</Td>
                        <Td data-testid="admission-network">
                          {uri ? (
                            <RecordLink href={routes.policy(uri)}>{uri}</RecordLink>
                          ) : (
                            <span className="text-zinc-400">allowed (no policy)</span>
                          )}
                        </Td>
                        <Td data-testid="admission-clusters">
                          {own.length === 0 ? (
                            <span className="text-zinc-400">none</span>
                          ) : (
                            <ul className="space-y-0.5">
                              {own.map((o) => (
                                <li key={o.clusterId}>
                                  <span className="font-mono text-xs text-zinc-600">{o.clusterId}</span>{" "}
                                  <RecordLink href={routes.policy(o.uri)}>{o.uri}</RecordLink>
                                </li>
                              ))}
                            </ul>
                          )}
                        </Td>
                      </Tr>
                    );
                  })}
                </TBody>
              </Table>
            );
          }}
        </QueryView>
      </TableCard>
    </div>
  );
}
