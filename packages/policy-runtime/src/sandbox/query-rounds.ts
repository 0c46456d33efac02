import { PolicyError } from "../errors";

/**
 * `ctx.query` inside a policy: the caller's read-only queries (metrics, say), answered
 * synchronously. A query the call has no answer for stops the call; the host runs what was asked
 * (`PolicyQuery`, given by the caller) and calls again with every answer so far. Bounded: at most
 * MAX_QUERY_ROUNDS calls more, MAX_QUERIES distinct queries, QUERY_TIMEOUT_MS per query and
 * MAX_ANSWER_BYTES per answer. Code before a query runs again in the next round, so a policy asks
 * before it changes its state.
 */
export type PolicyQuery = (query: unknown) => Promise<unknown>;

export const MAX_QUERY_ROUNDS = 4;
export const MAX_QUERIES = 16;
export const QUERY_TIMEOUT_MS = 2_000;
export const MAX_ANSWER_BYTES = 1 << 20;

export type QueryAnswer = { ok: true; value?: unknown } | { ok: false; error: string };

/** The answers gathered for one call, by the query's JSON as the policy wrote it. */
export class QueryAnswers {
  readonly answers = new Map<string, QueryAnswer>();
  rounds = 0;

  constructor(private readonly run: PolicyQuery) {}

  /** Runs the queries asked (JSON keys); a PolicyError when a bound is passed. */
  async answer(asked: string[]): Promise<void> {
    if (++this.rounds > MAX_QUERY_ROUNDS)
      throw new PolicyError(
        "runtime",
        `ctx.query: more than ${MAX_QUERY_ROUNDS} rounds of queries in one call`,
      );
    const fresh = asked.filter((k) => !this.answers.has(k));
    if (fresh.length === 0)
      throw new PolicyError("runtime", "ctx.query: the policy asked again for what it was answered");
    if (this.answers.size + fresh.length > MAX_QUERIES)
      throw new PolicyError("runtime", `ctx.query: more than ${MAX_QUERIES} queries in one call`);
    await Promise.all(fresh.map(async (key) => this.answers.set(key, await this.one(key))));
  }

  /** The answers as the isolate takes them: `[[key, answer], ...]`. */
  entries(): Array<[string, QueryAnswer]> {
    return [...this.answers.entries()];
  }

  private async one(key: string): Promise<QueryAnswer> {
    let timer: NodeJS.Timeout | undefined;
    try {
      const late = new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new Error(`no answer within ${QUERY_TIMEOUT_MS} ms`)),
          QUERY_TIMEOUT_MS,
        );
      });
      const value = await Promise.race([this.run(JSON.parse(key)), late]);
      const size = value === undefined ? 0 : Buffer.byteLength(JSON.stringify(value));
      if (size > MAX_ANSWER_BYTES)
        return {
          ok: false,
          error: `the answer is ${size} bytes, over ${MAX_ANSWER_BYTES}: ask for fewer rows`,
        };
      return value === undefined ? { ok: true } : { ok: true, value };
    } catch (e) {
      return { ok: false, error: e instanceof Error ? e.message : String(e) };
    } finally {
      clearTimeout(timer);
    }
  }
}
