"use client";

import type { TPolicyRecord } from "@aios/contracts";
import { useQuery } from "@tanstack/react-query";
import { compareVersions } from "@/lib/policy/versions";
import { useTRPC } from "@/trpc/react";

/** Newest version first; one release tag after another within a version. */
export function sortVersions(records: readonly TPolicyRecord[]): TPolicyRecord[] {
  return [...records].sort(
    (a, b) => compareVersions(b.version, a.version) || a.releaseTag.localeCompare(b.releaseTag),
  );
}

/** Every stored version of the policy `name` (`policies.versions`), newest first. */
export function usePolicyVersions(name: string | undefined) {
  const trpc = useTRPC();
  return useQuery(
    trpc.policies.versions.queryOptions(
      { name: name ?? "" },
      { enabled: name !== undefined, select: sortVersions },
    ),
  );
}

/** `1.0.0-stable` */
export const versionLabel = (p: Pick<TPolicyRecord, "version" | "releaseTag">) =>
  `${p.version}-${p.releaseTag}`;
