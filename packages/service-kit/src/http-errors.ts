/**
 * What a server answers when a request itself is wrong: each error carries its HTTP status and a
 * message that names what was wrong (`(body): ...`, `<param>: ...`), so every server of AIOS answers
 * the same mistake the same way.
 */
export class RequestError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** How a size reads in a message: MiB when it is a whole number of them, else bytes. */
const sizeOf = (bytes: number) => (bytes % 2 ** 20 === 0 ? `${bytes / 2 ** 20} MiB` : `${bytes} bytes`);

/** A body over the limit (413). The server answers it with `connection: close` (the rest is unread). */
export class BodyTooLarge extends RequestError {
  override readonly name = "BodyTooLarge";
  constructor(
    readonly limit: number,
    /** The setting that chose the limit, named in the message (`AIOS_MAX_BODY_MB`). */
    readonly setting?: string,
  ) {
    super(
      413,
      setting
        ? `(body): is larger than ${sizeOf(limit)}, the most the data plane reads (${setting})`
        : `(body): is larger than ${sizeOf(limit)}, the most this route reads`,
    );
  }
}

/** The client closed its connection before the whole body arrived (400; nobody reads the answer). */
export class ClientAbort extends RequestError {
  override readonly name = "ClientAbort";
  constructor() {
    super(400, "(body): the connection closed before the whole body arrived");
  }
}

/** A body that is empty or not JSON (400). */
export class BadJson extends RequestError {
  override readonly name = "BadJson";
  constructor(detail?: string) {
    super(400, detail ? `(body): is not valid JSON: ${detail}` : "(body): is empty; expected JSON");
  }
}

/** JSON nested deeper than the limit (400), refused before it is parsed. */
export class JsonTooDeep extends RequestError {
  override readonly name = "JsonTooDeep";
  constructor(readonly maxDepth: number) {
    super(400, `(body): JSON is nested deeper than ${maxDepth} levels, the most the data plane accepts`);
  }
}

/** A path parameter with a malformed percent-escape or a NUL (400), named with the segment as sent. */
export class BadPathSegment extends RequestError {
  override readonly name = "BadPathSegment";
  constructor(param: string, raw: string, problem: string) {
    super(400, `${param}: the path segment ${JSON.stringify(raw)} ${problem}`);
  }
}

/** The status of a request's own mistake (`RequestError`), undefined for anything else. */
export function requestErrorStatus(err: unknown): number | undefined {
  return err instanceof RequestError ? err.status : undefined;
}
