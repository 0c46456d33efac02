"use client";

import { NODE_LABEL_RE } from "@aios/contracts";
import { ArrowLeft, ArrowRight, Trash2, X } from "lucide-react";
import { type Dispatch, memo, useEffect, useId, useState } from "react";
import { Button } from "@/components/ui/button";
import { Input } from "@/components/ui/input";
import { edgesOf, nodeIdsOf, nodesOf, type VdagDocument, type VdagNodeValues } from "@/lib/vdag/document";
import { Assignment, VdagChoice } from "./assignment-fields";
import type { EditorAction } from "./editor-state";
import { Field, JsonField, PolicyField, SELECT, Section } from "./fields";
import type { Catalog } from "./use-catalog";

/** The selected node's fields: label, what serves it, its vDAG policies, model parameters, edges. */
export const NodePanel = memo(function NodePanel({
  doc,
  id,
  dispatch,
  catalog,
}: {
  doc: VdagDocument;
  id: string;
  dispatch: Dispatch<EditorAction>;
  catalog: Catalog;
}) {
  const ids = nodeIdsOf(doc);
  const index = ids.indexOf(id);
  const v = nodesOf(doc)[index]?.spec.values;
  if (!v) return null;
  const update = (patch: Partial<VdagNodeValues>) => dispatch({ type: "update-node", id, patch });
  const edges = edgesOf(doc);
  const inputs = edges.filter((e) => e.target === id);
  const outputs = edges.filter((e) => e.source === id);
  const policies = (kind: string) => catalog.policiesByKind.get(kind);
  const taken = new Set(nodesOf(doc).flatMap((n, i) => (i === index ? [] : [n.spec.values.nodeLabel])));

  return (
    <div data-testid="node-panel">
      <Section
        title="Node"
        actions={
          <Button
            size="sm"
            variant="ghost"
            onClick={() => dispatch({ type: "remove-node", id })}
            aria-label={`Delete node ${v.nodeLabel}`}
          >
            <Trash2 />
            Delete
          </Button>
        }
      >
        <LabelField
          label={v.nodeLabel}
          taken={taken}
          onCommit={(label) => dispatch({ type: "rename-node", id, label })}
        />
        <Field label="Type">
          <select
            className={SELECT}
            value={v.nodeType ?? "block"}
            onChange={(e) =>
              update(
                e.target.value === "vdag"
                  ? { nodeType: "vdag", manualBlockId: undefined, assignmentPolicyRule: undefined }
                  : { nodeType: "block", vdagURI: undefined },
              )
            }
            data-testid="node-type"
          >
            <option value="block">block</option>
            <option value="vdag">vdag (nested vDAG)</option>
          </select>
        </Field>
        {v.nodeType === "vdag" ? (
          <VdagChoice
            value={v.vdagURI}
            catalog={catalog}
            self={doc.body.spec.values.vdagName}
            onChange={(vdagURI) => update({ vdagURI })}
          />
        ) : (
          <Assignment key={id} values={v} catalog={catalog} update={update} />
        )}
      </Section>
      <Section title="vDAG node policies">
        <PolicyField
          label="Pre-processing"
          kind="vdagPreProcessing"
          value={v.preprocessingPolicyRule}
          policies={policies("vdagPreProcessing")}
          onChange={(preprocessingPolicyRule) => update({ preprocessingPolicyRule })}
          testId="node-preprocessing"
        />
        <PolicyField
          label="Post-processing"
          kind="vdagPostProcessing"
          value={v.postprocessingPolicyRule}
          policies={policies("vdagPostProcessing")}
          onChange={(postprocessingPolicyRule) => update({ postprocessingPolicyRule })}
          testId="node-postprocessing"
        />
        <JsonField
          label="Model parameters"
          value={v.modelParameters}
          onCommit={(modelParameters) => update({ modelParameters })}
          hint="Passed to the block's instance with every request of this node."
          testId="node-model-parameters"
        />
      </Section>
      <Section title="Edges">
        <EdgeList
          title="Inputs"
          icon="in"
          edges={inputs.map((e) => ({ id: e.id, label: e.source }))}
          onRemove={(edgeId) => dispatch({ type: "remove-edge", id: edgeId })}
        />
        <EdgeList
          title="Outputs"
          icon="out"
          edges={outputs.map((e) => ({ id: e.id, label: e.target }))}
          onRemove={(edgeId) => dispatch({ type: "remove-edge", id: edgeId })}
        />
      </Section>
    </div>
  );
});

/** The label, committed on Enter or when leaving the field, and only when valid and unique. */
function LabelField({
  label,
  taken,
  onCommit,
}: {
  label: string;
  taken: Set<string>;
  onCommit: (l: string) => void;
}) {
  const id = useId();
  const [text, setText] = useState(label);
  useEffect(() => setText(label), [label]);
  const error = !NODE_LABEL_RE.test(text)
    ? "letters, digits, '.', '-' or '_', starting with a letter or digit"
    : taken.has(text)
      ? "another node has this label"
      : null;
  const commit = () => {
    if (error === null && text !== label) onCommit(text);
  };
  return (
    <Field
      label="Label"
      htmlFor={id}
      error={text !== label ? error : null}
      hint="Unique in the vDAG; edges name nodes by it."
    >
      <Input
        id={id}
        value={text}
        onChange={(e) => setText(e.target.value)}
        onBlur={commit}
        onKeyDown={(e) => {
          if (e.key === "Enter") commit();
          if (e.key === "Escape") setText(label);
        }}
        className="w-full font-mono text-[13px]"
        data-testid="node-label"
        spellCheck={false}
      />
    </Field>
  );
}

function EdgeList({
  title,
  icon,
  edges,
  onRemove,
}: {
  title: string;
  icon: "in" | "out";
  edges: { id: string; label: string }[];
  onRemove: (id: string) => void;
}) {
  const Icon = icon === "in" ? ArrowLeft : ArrowRight;
  return (
    <div>
      <p className="text-xs font-medium text-zinc-600">{title}</p>
      {edges.length === 0 ? (
        <p className="mt-1 text-xs text-zinc-400">none</p>
      ) : (
        <ul className="mt-1 space-y-1" data-testid={`node-${icon === "in" ? "inputs" : "outputs"}`}>
          {edges.map((e) => (
            <li key={e.id} className="flex items-center gap-1.5 text-sm">
              <Icon className="size-3.5 text-zinc-400" />
              <span className="min-w-0 flex-1 truncate font-mono text-xs">{e.label}</span>
              <button
                type="button"
                onClick={() => onRemove(e.id)}
                className="rounded p-0.5 text-zinc-400 hover:bg-zinc-100 hover:text-red-600"
                aria-label={`Remove edge ${e.id}`}
              >
                <X className="size-3.5" />
              </button>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
