/**
 * The `createvDAG` spec document the editor edits, and pure edits on it. The document is the one
 * source of truth: the canvas is drawn from it and every canvas gesture is one of these edits, so
 * the JSON view is exactly the spec (node positions live elsewhere, see `positions.ts`). Edits
 * copy only the path they change and keep every field they do not know (the schema is loose).
 */

export type JsonObject = Record<string, unknown>;

export interface PolicyRef extends JsonObject {
  policyRuleURI: string;
  settings?: JsonObject;
  parameters?: JsonObject;
}

export interface VdagNodeValues extends JsonObject {
  nodeLabel: string;
  nodeType?: "block" | "vdag";
  manualBlockId?: string;
  vdagURI?: string;
  assignmentPolicyRule?: PolicyRef;
  preprocessingPolicyRule?: PolicyRef;
  postprocessingPolicyRule?: PolicyRef;
  modelParameters?: JsonObject;
}

export interface VdagNode extends JsonObject {
  spec: JsonObject & { values: VdagNodeValues };
}

export interface VdagConnection extends JsonObject {
  nodeLabel: string;
  inputs: (JsonObject & { nodeLabel: string })[];
}

export interface VdagValues extends JsonObject {
  vdagName: string;
  vdagVersion?: JsonObject & { version?: string; "release-tag"?: string };
  discoveryTags?: string[];
  controller?: JsonObject;
  nodes: VdagNode[];
  graph?: JsonObject & { connections?: VdagConnection[] };
}

export interface VdagDocument extends JsonObject {
  header: JsonObject & { templateUri?: string; action?: string };
  body: JsonObject & { spec: JsonObject & { values: VdagValues } };
}

export const VDAG_ACTION = "createvDAG";

export function newDocument(vdagName = "my-vdag"): VdagDocument {
  return {
    header: { templateUri: "Parser/V1", action: VDAG_ACTION },
    body: {
      spec: {
        values: {
          vdagName,
          vdagVersion: { version: "1.0.0", "release-tag": "beta" },
          nodes: [],
          graph: { connections: [] },
        },
      },
    },
  };
}

/** Fields the API adds to a stored vDAG's `doc`; the rest is the spec as submitted. */
const RUNTIME_FIELDS = ["vdagURI", "graphShape", "assignment", "controllerConfig", "statusReason", "history"];

/** The editable document of a stored vDAG (its record's `doc` minus what the API added). */
export function documentOfStored(doc: JsonObject): VdagDocument {
  const values = Object.fromEntries(Object.entries(doc).filter(([k]) => !RUNTIME_FIELDS.includes(k)));
  const read = readDocument({
    header: { templateUri: "Parser/V1", action: VDAG_ACTION },
    body: { spec: { values } },
  });
  return read.ok ? read.doc : newDocument(typeof values.vdagName === "string" ? values.vdagName : undefined);
}

const isObject = (v: unknown): v is JsonObject => typeof v === "object" && v !== null && !Array.isArray(v);

/**
 * Accepts parsed JSON as a document when the editor can draw it: an object with
 * `body.spec.values`, whose `nodes` each have `spec.values.nodeLabel`, and whose connections name
 * their nodes. Anything else the schema checks later (and the problems list shows).
 */
export function readDocument(
  json: unknown,
): { ok: true; doc: VdagDocument } | { ok: false; message: string } {
  const fail = (message: string) => ({ ok: false as const, message });
  if (!isObject(json)) return fail("the document must be a JSON object");
  if (!isObject(json.header)) return fail("header: must be an object");
  const values = isObject(json.body) && isObject(json.body.spec) ? json.body.spec.values : undefined;
  if (!isObject(values)) return fail("body.spec.values: must be an object");
  if (typeof values.vdagName !== "string") return fail("body.spec.values.vdagName: must be a string");
  const nodes = values.nodes ?? [];
  if (!Array.isArray(nodes)) return fail("body.spec.values.nodes: must be an array");
  for (const [i, n] of nodes.entries()) {
    if (!isObject(n) || !isObject(n.spec) || !isObject(n.spec.values))
      return fail(`body.spec.values.nodes.${i}: must be {spec: {values: {...}}}`);
    if (typeof n.spec.values.nodeLabel !== "string")
      return fail(`body.spec.values.nodes.${i}.spec.values.nodeLabel: must be a string`);
  }
  if (values.graph !== undefined) {
    if (!isObject(values.graph)) return fail("body.spec.values.graph: must be an object");
    const conns = values.graph.connections ?? [];
    if (!Array.isArray(conns)) return fail("body.spec.values.graph.connections: must be an array");
    for (const [i, c] of conns.entries()) {
      const at = `body.spec.values.graph.connections.${i}`;
      if (!isObject(c) || typeof c.nodeLabel !== "string") return fail(`${at}.nodeLabel: must be a string`);
      if (!Array.isArray(c.inputs)) return fail(`${at}.inputs: must be an array`);
      for (const [j, input] of c.inputs.entries()) {
        if (!isObject(input) || typeof input.nodeLabel !== "string")
          return fail(`${at}.inputs.${j}.nodeLabel: must be a string`);
      }
    }
  }
  return { ok: true, doc: json as VdagDocument };
}

export const valuesOf = (doc: VdagDocument): VdagValues => doc.body.spec.values;
export const nodesOf = (doc: VdagDocument): VdagNode[] => valuesOf(doc).nodes ?? [];
export const connectionsOf = (doc: VdagDocument): VdagConnection[] => valuesOf(doc).graph?.connections ?? [];
export const nodeValuesAt = (doc: VdagDocument, i: number): VdagNodeValues | undefined =>
  nodesOf(doc)[i]?.spec.values;

/** A copy of the document with new `values`. */
export function withValues(doc: VdagDocument, values: VdagValues): VdagDocument {
  return { ...doc, body: { ...doc.body, spec: { ...doc.body.spec, values } } };
}

/** `vdagName:version-release-tag`, as the API names it (defaults as the schema's). */
export function vdagUriOf(doc: VdagDocument): string {
  const v = valuesOf(doc);
  return `${v.vdagName}:${v.vdagVersion?.version ?? "0.0.1"}-${v.vdagVersion?.["release-tag"] ?? "beta"}`;
}

/**
 * Canvas ids of the nodes, index for index: the label, or `label#i` for a repeated label (the
 * schema rejects it, but the canvas must still draw both).
 */
export function nodeIdsOf(doc: VdagDocument): string[] {
  const seen = new Set<string>();
  return nodesOf(doc).map((n, i) => {
    const label = n.spec.values.nodeLabel;
    const id = seen.has(label) ? `${label}#${i}` : label;
    seen.add(label);
    return id;
  });
}

export interface GraphEdge {
  id: string;
  source: string;
  target: string;
  /** Where the edge is in the spec: `graph.connections[connection].inputs[input]`. */
  connection: number;
  input: number;
}

export const edgeId = (source: string, target: string) => `${source}->${target}`;

/** One edge per input of every connection (source: the input's node, target: the connection's). */
export function edgesOf(doc: VdagDocument): GraphEdge[] {
  const out: GraphEdge[] = [];
  const seen = new Set<string>();
  connectionsOf(doc).forEach((c, connection) => {
    c.inputs.forEach((input, i) => {
      const base = edgeId(input.nodeLabel, c.nodeLabel);
      const id = seen.has(base) ? `${base}#${connection}.${i}` : base;
      seen.add(base);
      out.push({ id, source: input.nodeLabel, target: c.nodeLabel, connection, input: i });
    });
  });
  return out;
}

const LABEL_CHARS = /[^A-Za-z0-9._-]+/g;

/** A label free in the document, from `base` ("sentiment", "sentiment-2", ...). */
export function uniqueLabel(doc: VdagDocument, base: string): string {
  const clean = base.replace(LABEL_CHARS, "-").replace(/^[^A-Za-z0-9]+/, "") || "node";
  const taken = new Set(nodesOf(doc).map((n) => n.spec.values.nodeLabel));
  if (!taken.has(clean)) return clean;
  for (let k = 2; ; k++) if (!taken.has(`${clean}-${k}`)) return `${clean}-${k}`;
}

function setNodes(doc: VdagDocument, nodes: VdagNode[]): VdagDocument {
  return withValues(doc, { ...valuesOf(doc), nodes });
}

function setConnections(doc: VdagDocument, connections: VdagConnection[]): VdagDocument {
  const v = valuesOf(doc);
  return withValues(doc, { ...v, graph: { ...(v.graph ?? {}), connections } });
}

export function addNode(doc: VdagDocument, values: VdagNodeValues): VdagDocument {
  return setNodes(doc, [...nodesOf(doc), { spec: { values } }]);
}

/** Removes the nodes at `indices`, and every connection and input naming a label no node has any more. */
export function removeNodesAt(doc: VdagDocument, indices: Iterable<number>): VdagDocument {
  const drop = new Set(indices);
  if (drop.size === 0) return doc;
  const kept = nodesOf(doc).filter((_, i) => !drop.has(i));
  const labels = new Set(kept.map((n) => n.spec.values.nodeLabel));
  const gone = (label: string) => !labels.has(label);
  const connections = connectionsOf(doc);
  const touched = connections.some((c) => gone(c.nodeLabel) || c.inputs.some((i) => gone(i.nodeLabel)));
  const next = setNodes(doc, kept);
  if (!touched) return next;
  return setConnections(
    next,
    connections.flatMap((c) => {
      if (gone(c.nodeLabel)) return [];
      if (!c.inputs.some((i) => gone(i.nodeLabel))) return [c];
      const inputs = c.inputs.filter((i) => !gone(i.nodeLabel));
      return inputs.length > 0 ? [{ ...c, inputs }] : [];
    }),
  );
}

export function hasEdge(doc: VdagDocument, source: string, target: string): boolean {
  return connectionsOf(doc).some(
    (c) => c.nodeLabel === target && c.inputs.some((i) => i.nodeLabel === source),
  );
}

/** Adds `source` to the inputs of `target`'s connection (a new connection if it has none). */
export function addEdge(doc: VdagDocument, source: string, target: string): VdagDocument {
  if (hasEdge(doc, source, target)) return doc;
  const connections = connectionsOf(doc);
  const at = connections.findIndex((c) => c.nodeLabel === target);
  if (at < 0)
    return setConnections(doc, [...connections, { nodeLabel: target, inputs: [{ nodeLabel: source }] }]);
  return setConnections(
    doc,
    connections.map((c, i) => (i === at ? { ...c, inputs: [...c.inputs, { nodeLabel: source }] } : c)),
  );
}

/** Removes the input at `connections[connection].inputs[input]` (the connection too once empty). */
export function removeEdgeAt(doc: VdagDocument, connection: number, input: number): VdagDocument {
  const connections = connectionsOf(doc);
  const c = connections[connection];
  if (!c?.inputs[input]) return doc;
  const inputs = c.inputs.filter((_, j) => j !== input);
  return setConnections(
    doc,
    inputs.length > 0
      ? connections.map((x, i) => (i === connection ? { ...c, inputs } : x))
      : connections.filter((_, i) => i !== connection),
  );
}

/** Removes the edges with these ids (as `edgesOf` names them); unknown ids are ignored. */
export function removeEdges(doc: VdagDocument, ids: Iterable<string>): VdagDocument {
  const drop = new Set(ids);
  // Last first, so earlier indices stay valid while removing.
  const doomed = edgesOf(doc)
    .filter((e) => drop.has(e.id))
    .sort((a, b) => b.connection - a.connection || b.input - a.input);
  return doomed.reduce((d, e) => removeEdgeAt(d, e.connection, e.input), doc);
}

/** Sets (or, given `undefined`, deletes) fields of the node at `index`. */
export function updateNodeAt(doc: VdagDocument, index: number, patch: Partial<VdagNodeValues>): VdagDocument {
  const nodes = nodesOf(doc);
  const node = nodes[index];
  if (!node) return doc;
  const values = patchObject(node.spec.values, patch) as VdagNodeValues;
  return setNodes(
    doc,
    nodes.map((n, i) => (i === index ? { ...n, spec: { ...n.spec, values } } : n)),
  );
}

/** Renames the node at `index` and every connection naming it (when the old label was unique). */
export function renameNodeAt(doc: VdagDocument, index: number, label: string): VdagDocument {
  const old = nodeValuesAt(doc, index)?.nodeLabel;
  if (old === undefined || old === label) return doc;
  const renamed = updateNodeAt(doc, index, { nodeLabel: label });
  if (nodesOf(doc).filter((n) => n.spec.values.nodeLabel === old).length > 1) return renamed;
  const swap = (l: string) => (l === old ? label : l);
  const connections = connectionsOf(doc);
  if (!connections.some((c) => c.nodeLabel === old || c.inputs.some((i) => i.nodeLabel === old)))
    return renamed;
  return setConnections(
    renamed,
    connections.map((c) => ({
      ...c,
      nodeLabel: swap(c.nodeLabel),
      inputs: c.inputs.map((i) => (i.nodeLabel === old ? { ...i, nodeLabel: label } : i)),
    })),
  );
}

/** Sets (or deletes, given `undefined`) the value at `path` under `values`; emptied objects go too. */
export function setValueAt(doc: VdagDocument, path: string[], value: unknown): VdagDocument {
  return withValues(doc, setIn(valuesOf(doc), path, value) as VdagValues);
}

export function patchObject(obj: JsonObject, patch: JsonObject): JsonObject {
  const out: JsonObject = { ...obj };
  for (const [k, v] of Object.entries(patch)) {
    if (v === undefined) delete out[k];
    else out[k] = v;
  }
  return out;
}

export function getIn(obj: unknown, path: string[]): unknown {
  let cur = obj;
  for (const key of path) {
    if (!isObject(cur)) return undefined;
    cur = cur[key];
  }
  return cur;
}

function setIn(obj: JsonObject, path: string[], value: unknown): JsonObject {
  const [key, ...rest] = path;
  if (key === undefined) return obj;
  if (rest.length === 0) return patchObject(obj, { [key]: value });
  const child = isObject(obj[key]) ? (obj[key] as JsonObject) : {};
  const next = setIn(child, rest, value);
  return patchObject(obj, { [key]: Object.keys(next).length > 0 ? next : undefined });
}
