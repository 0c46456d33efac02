import { readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { parseAllDocuments } from "yaml";

export interface LoadedDocument {
  /** `file` or `file#3` (the 4th document of a multi-document file or array). */
  source: string;
  document: unknown;
}

/**
 * Reads spec documents from a JSON or YAML file: one document, a JSON array of documents, or a
 * YAML stream (`---` separated). A policy spec's `codePath` is read relative to the file and
 * inlined as `code`, since the API never reads the client's disk.
 */
export function loadSpecFile(path: string): LoadedDocument[] {
  const text = readFileSync(path, "utf8");
  const docs = parseAllDocuments(text);
  const values: unknown[] = [];
  for (const [i, doc] of docs.entries()) {
    if (doc.errors.length > 0) {
      throw new Error(`${path}: document ${i + 1} is not valid JSON/YAML: ${doc.errors[0]?.message}`);
    }
    const value = doc.toJS();
    if (Array.isArray(value)) values.push(...value);
    else if (value !== null && value !== undefined) values.push(value);
  }
  return values.map((document, i) => ({
    source: values.length > 1 ? `${path}#${i}` : path,
    document: inlineCodePath(document, dirname(resolve(path))),
  }));
}

function inlineCodePath(document: unknown, baseDir: string): unknown {
  const values = (document as { body?: { spec?: { values?: Record<string, unknown> } } })?.body?.spec?.values;
  if (!values || typeof values.codePath !== "string" || values.code !== undefined) return document;
  const { codePath, ...rest } = values;
  const code = readFileSync(resolve(baseDir, codePath), "utf8");
  const doc = document as { body: { spec: Record<string, unknown> } };
  return { ...doc, body: { ...doc.body, spec: { ...doc.body.spec, values: { ...rest, code } } } };
}

const ACTION_ORDER = [
  "createCluster",
  "addNode",
  "registerComponent",
  "createPolicy",
  "createBlock",
  "createvDAG",
];

/** Documents in dependency order: clusters before nodes, components before blocks, blocks before vDAGs. */
export function inApplyOrder(docs: LoadedDocument[]): LoadedDocument[] {
  const rank = (d: LoadedDocument) => {
    const action = (d.document as { header?: { action?: string }; head?: { action?: string } })?.header
      ?.action;
    const i = ACTION_ORDER.indexOf(action ?? "");
    return i === -1 ? ACTION_ORDER.length : i;
  };
  return docs
    .map((d, i) => ({ d, i }))
    .sort((a, b) => rank(a.d) - rank(b.d) || a.i - b.i)
    .map(({ d }) => d);
}
