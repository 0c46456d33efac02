// The filter language itself (ZFilterQuery / TFilterQuery, operators, variable syntax, limits
// and semantics) is defined once, in @aios/contracts (src/filter.ts). Only the SQL side's error lives here.

/** Thrown for any malformed query; `variable` is set when a path was rejected. */
export class FilterError extends Error {
  constructor(
    message: string,
    readonly variable?: string,
  ) {
    super(message);
    this.name = "FilterError";
  }
}
