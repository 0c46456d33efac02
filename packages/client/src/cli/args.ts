import { type ParseArgsConfig, parseArgs } from "node:util";
import { CliUsageError } from "./io";

/** Parses like `parseArgs`, refusing unknown options and missing values as usage errors. */
export function parseOrRefuse<T extends NonNullable<ParseArgsConfig["options"]>>(
  command: string,
  args: string[],
  options: T,
) {
  try {
    return parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (err) {
    throw new CliUsageError(`${command}: ${(err as Error).message}`);
  }
}

export const noMore = (command: string, extra: string[]) => {
  if (extra.length > 0)
    throw new CliUsageError(
      `${command}: unexpected argument(s) ${extra.map((a) => JSON.stringify(a)).join(" ")}`,
    );
};
