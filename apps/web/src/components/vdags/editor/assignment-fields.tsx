"use client";

import { useId, useState } from "react";
import { cn } from "@/lib/cn";
import { getIn, type PolicyRef, patchObject, type VdagNodeValues } from "@/lib/vdag/document";
import { Field, JsonField, PolicyField, SELECT } from "./fields";
import type { Catalog } from "./use-catalog";

/** What serves a node: a nested vDAG, or a block chosen by hand or by an assignment policy. */

export function VdagChoice({
  value,
  catalog,
  self,
  onChange,
}: {
  value: string | undefined;
  catalog: Catalog;
  self: string;
  onChange: (uri: string | undefined) => void;
}) {
  const id = useId();
  const options = catalog.vdags.filter((x) => x.vdagName !== self).map((x) => x.vdagURI);
  if (value && !options.includes(value)) options.unshift(value);
  return (
    <Field label="Nested vDAG" htmlFor={id} hint="Its nodes run inline, as `<label>.<inner label>`.">
      <select
        id={id}
        className={cn(SELECT, "font-mono text-[13px]")}
        value={value ?? ""}
        onChange={(e) => onChange(e.target.value || undefined)}
        data-testid="node-vdag"
      >
        <option value="">choose a vDAG…</option>
        {options.map((o) => (
          <option key={o} value={o}>
            {o}
          </option>
        ))}
      </select>
    </Field>
  );
}

/** A block node is served by a block chosen here (manualBlockId) or by an assignment policy. */
export function Assignment({
  values: v,
  catalog,
  update,
}: {
  values: VdagNodeValues;
  catalog: Catalog;
  update: (patch: Partial<VdagNodeValues>) => void;
}) {
  const [mode, setMode] = useState<"manual" | "policy">(
    v.assignmentPolicyRule && !v.manualBlockId ? "policy" : "manual",
  );
  const selectId = useId();
  const blockIds = catalog.blocks.map((b) => b.id);
  if (v.manualBlockId && !blockIds.includes(v.manualBlockId)) blockIds.unshift(v.manualBlockId);
  const rule = v.assignmentPolicyRule;
  return (
    <fieldset className="space-y-2">
      <legend className="text-xs font-medium text-zinc-600">Assignment</legend>
      <div className="flex gap-3 text-sm" role="radiogroup">
        {(["manual", "policy"] as const).map((m) => (
          <label key={m} className="flex items-center gap-1.5 text-zinc-700">
            <input
              type="radio"
              name="assignment-mode"
              checked={mode === m}
              onChange={() => {
                setMode(m);
                update(m === "manual" ? { assignmentPolicyRule: undefined } : { manualBlockId: undefined });
              }}
              data-testid={`assignment-${m}`}
            />
            {m === "manual" ? "Block" : "Assignment policy"}
          </label>
        ))}
      </div>
      {mode === "manual" ? (
        <Field label="Block" htmlFor={selectId}>
          <select
            id={selectId}
            className={cn(SELECT, "font-mono text-[13px]")}
            value={v.manualBlockId ?? ""}
            onChange={(e) => update({ manualBlockId: e.target.value || undefined })}
            data-testid="node-block"
          >
            <option value="">choose a block…</option>
            {blockIds.map((b) => {
              const rec = catalog.blocks.find((x) => x.id === b);
              return (
                <option key={b} value={b}>
                  {rec ? `${b} · ${rec.componentURI} · ${rec.status}` : `${b} (not found)`}
                </option>
              );
            })}
          </select>
        </Field>
      ) : (
        <PolicyField
          label="Assignment policy"
          kind="assignment"
          value={rule}
          policies={catalog.policiesByKind.get("assignment")}
          onChange={(assignmentPolicyRule) => update({ assignmentPolicyRule })}
          testId="node-assignment-policy"
        >
          <JsonField
            label="filterRule"
            value={getIn(rule, ["parameters", "filterRule"])}
            onCommit={(filterRule) => {
              if (!rule) return;
              const parameters = patchObject((rule.parameters as Record<string, unknown>) ?? {}, {
                filterRule,
              });
              update({
                assignmentPolicyRule: patchObject(rule, {
                  parameters: Object.keys(parameters).length ? parameters : undefined,
                }) as PolicyRef,
              });
            }}
            hint='Which blocks are candidates, in the filter language (e.g. {"blockComponentURI": "model.echo:1.0.0-stable"}).'
            testId="node-filter-rule"
          />
        </PolicyField>
      )}
    </fieldset>
  );
}
