"use client";

import type { TPolicyKind, TPolicyRecord } from "@aios/contracts";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { policyRoutes } from "@/lib/policy/routes";
import { useTRPC } from "@/trpc/react";
import type { SaveValues } from "./save-dialog";
import type { DryRunValues } from "./use-dry-run";

export interface SaveRequest {
  values: SaveValues;
  code: string;
  kind: TPolicyKind;
  /** The dry run's settings and parameters, when `values.saveDefaults`. */
  defaults: Pick<DryRunValues, "settings" | "parameters"> | undefined;
}

/**
 * Stores the edited code: `policies.createVersion` from `policy` (a new, immutable version under a
 * new URI), or `policies.create` for a new policy; then opens the editor on what was stored.
 */
export function useSavePolicy(policy: TPolicyRecord | undefined) {
  const trpc = useTRPC();
  const router = useRouter();
  const queryClient = useQueryClient();
  const createVersion = useMutation(trpc.policies.createVersion.mutationOptions());
  const create = useMutation(trpc.policies.create.mutationOptions());
  const mutation = policy ? createVersion : create;

  const opened = async ({ policy: stored }: { policy: TPolicyRecord }) => {
    await queryClient.invalidateQueries({ queryKey: trpc.policies.pathKey() });
    queryClient.setQueryData(trpc.policies.get.queryKey({ policyRuleURI: stored.policyRuleURI }), stored);
    router.push(policyRoutes.edit(stored.policyRuleURI));
  };

  const save = ({ values, code, kind, defaults }: SaveRequest) => {
    const stored = defaults
      ? { policySettings: defaults.settings, policyParameters: defaults.parameters }
      : {};
    const description = values.description.trim();
    if (policy) {
      createVersion.mutate(
        {
          policyRuleURI: policy.policyRuleURI,
          version: values.version.trim(),
          releaseTag: values.releaseTag.trim(),
          code,
          ...(description !== (policy.description ?? "") ? { description } : {}),
          ...stored,
        },
        { onSuccess: opened },
      );
      return;
    }
    create.mutate(
      {
        values: {
          name: values.name.trim(),
          version: values.version.trim(),
          releaseTag: values.releaseTag.trim(),
          kind,
          code,
          ...(description ? { description } : {}),
          ...stored,
        },
      },
      { onSuccess: opened },
    );
  };

  return { save, pending: mutation.isPending, error: mutation.error, reset: mutation.reset };
}
