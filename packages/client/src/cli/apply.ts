import { parseArgs } from "node:util";
import { parseVersionedUri } from "@aios/contracts";
import { inApplyOrder, type LoadedDocument, loadSpecFile, SpecFileError } from "@aios/contracts/files";
import type { ApiClient } from "../api-client";
import { describeApiError } from "../api-client";
import { noMore, parseOrRefuse } from "./args";
import { type CliIo, CliUsageError } from "./io";

export function readFiles(args: string[]): LoadedDocument[] {
  const { values } = parseArgs({ args, options: { file: { type: "string", short: "f", multiple: true } } });
  return loadFiles(values.file ?? []);
}

/** The documents of each file, in order; a file that holds none is an error naming it. */
export function loadFiles(files: string[]): LoadedDocument[] {
  if (files.length === 0) throw new CliUsageError("give at least one file with -f FILE");
  // A file that cannot be read or parsed is not a usage mistake: loadSpecFile's SpecFileError
  // names the file and line, and main() reports it with exit code 1. So is a file with nothing
  // in it: applying it would do nothing and say nothing, which reads as success.
  return files.flatMap((f) => {
    const docs = loadSpecFile(f);
    if (docs.length === 0) {
      throw new SpecFileError(
        `${f}: holds no spec documents (it is empty, or only whitespace, comments or an empty array)`,
      );
    }
    return docs;
  });
}

/** `--spec-uri` values, each a stored spec's `<name>:<version>-<releaseTag>`. */
export function specUris(command: string, uris: string[]): string[] {
  for (const uri of uris) {
    const parsed = parseVersionedUri(uri);
    if (!parsed.ok) throw new CliUsageError(`${command} --spec-uri: ${parsed.error}`);
  }
  return uris;
}

/** What an apply or expand reads: a document (from a file) or a stored spec's URI. */
export type SpecSource = { source: string } & ({ document: unknown } | { specUri: string });

/** Where an apply or expand takes its documents: files (-f, in dependency order) or stored specs (--spec-uri). */
export function sourcesOf(command: string, args: string[]): SpecSource[] {
  const { values, positionals } = parseOrRefuse(command, args, {
    file: { type: "string", short: "f", multiple: true },
    "spec-uri": { type: "string", multiple: true },
  });
  noMore(command, positionals);
  const uris = specUris(command, values["spec-uri"] ?? []);
  if (uris.length > 0 && values.file)
    throw new CliUsageError(`${command}: give -f FILE or --spec-uri URI, not both`);
  if (uris.length > 0) return uris.map((specUri) => ({ source: `spec ${specUri}`, specUri }));
  return inApplyOrder(loadFiles(values.file ?? []));
}

/** The input of `parser.applySpec` / `parser.expand` for a source. */
export const sourceInput = (s: SpecSource) =>
  "specUri" in s ? { specUri: s.specUri } : { document: s.document };

type Outcome = { action: string; target: string; created: boolean; dryRun: boolean };
type Applied = Outcome & { template?: { templateUri: string; outcomes: Outcome[] } | undefined };

const line = (o: Outcome) =>
  `${o.action} ${o.target}: ${o.dryRun ? "dry run" : o.created ? "created" : "unchanged"}`;

/** One line per document; a template's document is its template's line, then each document it made. */
function report(io: CliIo, prefix: string, r: Applied) {
  if (!r.template) return io.out(`${prefix}${line(r)}`);
  const n = r.template.outcomes.length;
  io.out(`${prefix}template ${r.template.templateUri}: ${n} document${n === 1 ? "" : "s"}`);
  for (const o of r.template.outcomes) io.out(`${prefix}  ${line(o)}`);
}

/** Applies every document (files in dependency order, or stored specs); reports each, and fails if any failed. */
export async function applyCommand(api: ApiClient, args: string[], io: CliIo): Promise<number> {
  let failed = 0;
  for (const item of sourcesOf("apply", args)) {
    try {
      const r = await api.parser.applySpec.mutate(sourceInput(item));
      report(io, "specUri" in item ? `${item.source}: ` : "", r);
    } catch (err) {
      failed++;
      io.err(`${item.source}: ${describeApiError(err).replaceAll("\n", `\n${item.source}: `)}`);
    }
  }
  return failed > 0 ? 1 : 0;
}
