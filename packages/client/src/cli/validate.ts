import { isTemplatedDocument } from "@aios/contracts";
import type { ApiClient } from "../api-client";
import { describeApiError } from "../api-client";
import { readFiles } from "./apply";
import type { CliIo } from "./io";

/**
 * Validates each document: the Parser's check, which runs no code; a document for a template is
 * expanded instead (`parser.expand`, an operator's dry run) and valid when its template's documents are.
 */
export async function validateCommand(api: ApiClient, args: string[], io: CliIo): Promise<number> {
  let invalid = 0;
  for (const { source, document } of readFiles(args)) {
    if (isTemplatedDocument(document)) {
      try {
        const r = await api.parser.expand.mutate({ document });
        const actions = r.documents.map((d) => d.header.action).join(", ");
        io.out(`${source}: valid for template ${r.templateUri}: ${actions}`);
      } catch (err) {
        invalid++;
        io.err(`${source}: ${describeApiError(err).replaceAll("\n", `\n${source}: `)}`);
      }
      continue;
    }
    const r = await api.parser.validateSpec.query({ document });
    if (r.valid) {
      io.out(`${source}: valid ${r.action}`);
    } else {
      invalid++;
      for (const e of r.errors) io.err(`${source}: ${e.path}: ${e.message}`);
    }
  }
  return invalid > 0 ? 1 : 0;
}
