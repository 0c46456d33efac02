"use client";

import type { TPolicyRecord } from "@aios/contracts";
import { cn } from "@/lib/cn";
import { versionLabel } from "./use-policy-versions";

/** A native select over a policy's versions (by URI); the current one is listed even before they load. */
export function VersionSelect({
  versions,
  value,
  onChange,
  label,
  testId,
  className,
}: {
  versions: readonly TPolicyRecord[] | undefined;
  value: string;
  onChange: (policyRuleURI: string) => void;
  label: string;
  testId?: string;
  className?: string;
}) {
  const listed = versions?.some((v) => v.policyRuleURI === value) ?? false;
  return (
    <label className={cn("inline-flex items-center gap-1.5 text-xs text-zinc-500", className)}>
      {label}
      <select
        value={value}
        onChange={(e) => onChange(e.target.value)}
        className="h-8 rounded-md border border-zinc-200 bg-white px-2 font-mono text-xs text-zinc-800 shadow-xs outline-none focus:border-accent-500 focus:ring-2 focus:ring-accent-100"
        data-testid={testId}
      >
        {listed ? null : <option value={value}>{value.slice(value.indexOf(":") + 1)}</option>}
        {versions?.map((v) => (
          <option key={v.policyRuleURI} value={v.policyRuleURI}>
            {versionLabel(v)}
          </option>
        ))}
      </select>
    </label>
  );
}
