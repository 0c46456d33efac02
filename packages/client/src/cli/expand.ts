import type { ApiClient } from "../api-client";
import { describeApiError } from "../api-client";
import { sourceInput, sourcesOf } from "./apply";
import type { CliIo } from "./io";

export const EXPAND_USAGE = `  aios expand -f FILE | --spec-uri URI    the Parser/V1 documents a document for a template (or
                                          a stored spec) expands to, as JSON, without applying
                                          them; the template's logs on stderr`;

/** Prints what applying would apply: one JSON array of every source's documents. */
export async function expandCommand(api: ApiClient, args: string[], io: CliIo): Promise<number> {
  const documents: unknown[] = [];
  let failed = 0;
  for (const item of sourcesOf("expand", args)) {
    try {
      const r = await api.parser.expand.mutate(sourceInput(item));
      for (const l of r.logs) io.err(`${item.source}: ${r.templateUri}: ${l.level}: ${l.message}`);
      documents.push(...r.documents);
    } catch (err) {
      failed++;
      io.err(`${item.source}: ${describeApiError(err).replaceAll("\n", `\n${item.source}: `)}`);
    }
  }
  if (failed > 0) return 1;
  io.out(JSON.stringify(documents, null, 2));
  return 0;
}
