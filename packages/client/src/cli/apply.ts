import { parseArgs } from "node:util";
import { inApplyOrder, type LoadedDocument, loadSpecFile, SpecFileError } from "@aios/contracts/files";
import type { ApiClient } from "../api-client";
import { describeApiError } from "../api-client";
import { type CliIo, CliUsageError } from "./io";

export function readFiles(args: string[]): LoadedDocument[] {
  const { values } = parseArgs({ args, options: { file: { type: "string", short: "f", multiple: true } } });
  const files = values.file ?? [];
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

/** Applies every document (in dependency order); reports each, and fails if any failed. */
export async function applyCommand(api: ApiClient, args: string[], io: CliIo): Promise<number> {
  const docs = inApplyOrder(readFiles(args));
  let failed = 0;
  for (const { source, document } of docs) {
    try {
      const r = await api.parser.applySpec.mutate({ document });
      const verb = r.dryRun ? "dry run" : r.created ? "created" : "unchanged";
      io.out(`${r.action} ${r.target}: ${verb}`);
    } catch (err) {
      failed++;
      io.err(`${source}: ${describeApiError(err).replaceAll("\n", `\n${source}: `)}`);
    }
  }
  return failed > 0 ? 1 : 0;
}
