"use client";

import { type Dispatch, memo, useEffect, useId, useState } from "react";
import { Input } from "@/components/ui/input";
import { getIn, type PolicyRef, type VdagDocument } from "@/lib/vdag/document";
import type { EditorAction } from "./editor-state";
import { Field, NumberField, PolicyField, Section, TextField } from "./fields";
import type { Catalog } from "./use-catalog";

/** A controller check: its `enabled` flag and policy rule under `controller.<section>`. */
const CHECKS = [
  { section: "quotaChecker", rule: "quotaCheckerPolicyRule", kind: "quotaChecker", title: "Quota checker" },
  {
    section: "healthChecker",
    rule: "healthCheckerPolicyRule",
    kind: "vdagHealthChecker",
    title: "Health checker",
  },
  {
    section: "qualityChecker",
    rule: "qualityCheckerPolicyRule",
    kind: "qualityChecker",
    title: "Quality checker",
  },
] as const;

/** The vDAG's own fields: name, version, tags, and its controller's checks and settings. */
export const SettingsPanel = memo(function SettingsPanel({
  doc,
  dispatch,
  catalog,
}: {
  doc: VdagDocument;
  dispatch: Dispatch<EditorAction>;
  catalog: Catalog;
}) {
  const v = doc.body.spec.values;
  const set = (path: string[], value: unknown) => dispatch({ type: "set-value", path, value });
  const at = (path: string[]) => getIn(v, path);
  return (
    <div data-testid="vdag-settings">
      <Section title="vDAG">
        <TextField
          label="Name"
          value={v.vdagName}
          onChange={(name) => set(["vdagName"], name)}
          testId="vdag-name"
          hint="With the version and tag it makes the vDAG's URI."
        />
        <div className="grid grid-cols-2 gap-2">
          <TextField
            label="Version"
            value={v.vdagVersion?.version}
            onChange={(x) => set(["vdagVersion", "version"], x || undefined)}
            placeholder="0.0.1"
            testId="vdag-version"
          />
          <TextField
            label="Release tag"
            value={v.vdagVersion?.["release-tag"]}
            onChange={(x) => set(["vdagVersion", "release-tag"], x || undefined)}
            placeholder="beta"
            testId="vdag-release-tag"
          />
        </div>
        <TagsField tags={v.discoveryTags} onCommit={(tags) => set(["discoveryTags"], tags)} />
      </Section>
      <Section title="Controller">
        <TextField
          label="Cluster"
          value={at(["controller", "clusterId"]) as string | undefined}
          onChange={(x) => set(["controller", "clusterId"], x || undefined)}
          placeholder="the first head's cluster"
          hint="Where the vDAG's controller runs."
        />
        <div className="grid grid-cols-3 items-end gap-2">
          <NumberField
            label="Step timeout (ms)"
            value={at(["controller", "initSettings", "stepTimeoutMs"])}
            onChange={(x) => set(["controller", "initSettings", "stepTimeoutMs"], x)}
            min={1}
          />
          <NumberField
            label="Retries"
            value={at(["controller", "initSettings", "retries"])}
            onChange={(x) => set(["controller", "initSettings", "retries"], x)}
            min={0}
          />
          <NumberField
            label="Fan-in timeout (ms)"
            value={at(["controller", "initSettings", "fanInTimeoutMs"])}
            onChange={(x) => set(["controller", "initSettings", "fanInTimeoutMs"], x)}
            min={1}
          />
        </div>
      </Section>
      {CHECKS.map((c) => {
        const base = ["controller", c.section];
        const section = at(base) as Record<string, unknown> | undefined;
        return (
          <Section
            key={c.section}
            title={c.title}
            actions={
              <label className="flex items-center gap-1.5 text-xs text-zinc-600">
                <input
                  type="checkbox"
                  checked={section !== undefined && section.enabled !== false}
                  onChange={(e) => set([...base, "enabled"], e.target.checked)}
                  data-testid={`${c.section}-enabled`}
                />
                enabled
              </label>
            }
          >
            <PolicyField
              label="Policy"
              kind={c.kind}
              value={section?.[c.rule] as PolicyRef | undefined}
              policies={catalog.policiesByKind.get(c.kind)}
              onChange={(rule) => set([...base, c.rule], rule)}
              testId={`${c.section}-policy`}
            />
            {c.section === "healthChecker" ? (
              <NumberField
                label="Interval (s)"
                value={section?.interval}
                onChange={(x) => set([...base, "interval"], x)}
                min={1}
              />
            ) : null}
            {c.section === "qualityChecker" ? (
              <NumberField
                label="Every n-th request"
                value={section?.framesInterval}
                onChange={(x) => set([...base, "framesInterval"], x)}
                min={1}
              />
            ) : null}
          </Section>
        );
      })}
    </div>
  );
});

/** Comma-separated discovery tags, committed when leaving the field. */
function TagsField({
  tags,
  onCommit,
}: {
  tags: string[] | undefined;
  onCommit: (t: string[] | undefined) => void;
}) {
  const id = useId();
  const shown = (tags ?? []).join(", ");
  const [text, setText] = useState(shown);
  useEffect(() => setText(shown), [shown]);
  return (
    <Field label="Discovery tags" htmlFor={id} hint="Comma-separated.">
      <Input
        id={id}
        value={text}
        onChange={(e) => setText(e.target.value)}
        onBlur={() => {
          const next = text
            .split(",")
            .map((t) => t.trim())
            .filter(Boolean);
          if (next.join(", ") !== shown) onCommit(next.length ? next : undefined);
        }}
        className="w-full"
      />
    </Field>
  );
}
