import type { ApiClient } from "../api-client";
import { readFiles } from "./apply";
import type { CliIo } from "./io";

export async function validateCommand(api: ApiClient, args: string[], io: CliIo): Promise<number> {
  let invalid = 0;
  for (const { source, document } of readFiles(args)) {
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
