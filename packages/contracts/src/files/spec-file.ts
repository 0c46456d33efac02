import { readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { parseAllDocuments } from "yaml";
import { formatIssue } from "../errors";
import { unsafeInputIssue } from "../input-safety";

export interface LoadedDocument {
  /** `file` or `file#3` (the 4th document of a multi-document file or array). */
  source: string;
  document: unknown;
}

/** A spec file that cannot be read or parsed; the message names the file, and the line when known. */
export class SpecFileError extends Error {
  override name = "SpecFileError";
}

/**
 * Reads spec documents from a JSON or YAML file: one document, a JSON array of documents, JSON
 * documents one after another (newline-delimited or concatenated), or a YAML stream (`---`
 * separated). A policy spec's `codePath` is read relative to the file and inlined as `code`,
 * since the API never reads the client's disk. A document holding what no store can take (a NUL or
 * lone surrogate in a string, nesting past MAX_INPUT_DEPTH) is refused here, naming its field.
 */
export function loadSpecFile(path: string): LoadedDocument[] {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new SpecFileError(
      `${path}: cannot read the file${code === "ENOENT" ? ": no such file" : `: ${(err as Error).message}`}`,
    );
  }
  const values: unknown[] = [];
  for (const value of /^\s*[[{]/.test(text) ? parseJsonOrYaml(path, text) : parseYaml(path, text)) {
    if (Array.isArray(value)) values.push(...value);
    else if (value !== null && value !== undefined) values.push(value);
  }
  return values.map((value, i) => {
    const source = values.length > 1 ? `${path}#${i}` : path;
    const document = inlineCodePath(source, value, dirname(resolve(path)));
    const unsafe = unsafeInputIssue(document);
    if (unsafe) throw new SpecFileError(`${source}: ${formatIssue(unsafe)}`);
    return { source, document };
  });
}

function parseYaml(path: string, text: string): unknown[] {
  return parseAllDocuments(text).map((doc, i) => {
    const error = doc.errors[0];
    if (error) {
      const line = error.linePos?.[0].line;
      // The line is in front already; yaml repeats it (and a code excerpt) in its message.
      const message = error.message.split("\n")[0]?.replace(/ at line \d+, column \d+:?$/, "");
      throw new SpecFileError(
        `${path}${line ? `:${line}` : ""}: document ${i + 1} is not valid JSON/YAML: ${message}`,
      );
    }
    try {
      return doc.toJS();
    } catch (err) {
      // Well-formed YAML that has no value: an alias to no anchor, or aliases past yaml's budget.
      throw new SpecFileError(`${path}: document ${i + 1} is not valid YAML: ${(err as Error).message}`);
    }
  });
}

/** JSON first; a file of YAML flow style (`{a: 1}`) is YAML, else the JSON error stands. */
function parseJsonOrYaml(path: string, text: string): unknown[] {
  try {
    return parseJsonSequence(path, text);
  } catch (jsonError) {
    try {
      const values = parseYaml(path, text);
      if (values.length === 1) return values;
    } catch {
      // Not YAML either: the JSON error says more.
    }
    throw jsonError;
  }
}

const lineAt = (text: string, offset: number) => text.slice(0, offset).split("\n").length;

/**
 * JSON values one after another, whitespace between them optional (`{..}\n{..}` or `{..}{..}`).
 * Each value's extent is found by matching brackets outside strings, then JSON.parse checks it.
 */
export function parseJsonSequence(path: string, text: string): unknown[] {
  const values: unknown[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i] as string;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    if (c !== "{" && c !== "[") {
      throw new SpecFileError(
        `${path}:${lineAt(text, i)}: expected a JSON object or array, found ${JSON.stringify(text.slice(i, i + 20))}`,
      );
    }
    const end = endOfValue(text, i);
    if (end === -1) {
      throw new SpecFileError(
        `${path}:${lineAt(text, i)}: document ${values.length + 1} is not valid JSON: it never ends (unbalanced brackets or an open string)`,
      );
    }
    const slice = text.slice(i, end);
    try {
      values.push(JSON.parse(slice));
    } catch (err) {
      const message = (err as Error).message;
      const at = /position (\d+)/.exec(message);
      const line = lineAt(text, i + (at ? Number(at[1]) : 0));
      throw new SpecFileError(
        `${path}:${line}: document ${values.length + 1} is not valid JSON: ${message.replace(/ in JSON at position \d+.*$/, "")}`,
      );
    }
    i = end;
  }
  return values;
}

/** The offset just past the object or array opening at `start`, or -1 if it never closes. */
function endOfValue(text: string, start: number): number {
  let depth = 0;
  let inString = false;
  for (let i = start; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === "\\") i++;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === "{" || c === "[") depth++;
    else if (c === "}" || c === "]") {
      depth--;
      if (depth === 0) return i + 1;
    }
  }
  return -1;
}

function inlineCodePath(source: string, document: unknown, baseDir: string): unknown {
  const values = (document as { body?: { spec?: { values?: Record<string, unknown> } } })?.body?.spec?.values;
  if (!values || typeof values.codePath !== "string" || values.code !== undefined) return document;
  const { codePath, ...rest } = values;
  let code: string;
  try {
    code = readFileSync(resolve(baseDir, codePath), "utf8");
  } catch (err) {
    const reason = (err as NodeJS.ErrnoException).code === "ENOENT" ? "no such file" : (err as Error).message;
    throw new SpecFileError(
      `${source}: body.spec.values.codePath: cannot read ${JSON.stringify(codePath)}: ${reason}`,
    );
  }
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
