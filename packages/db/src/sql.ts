// Plain SQL over the Prisma client's own node-postgres pool, for the hot paths (placement) where
// Prisma's cost per statement (about 0.5 ms of CPU, against 0.05 ms for node-postgres, measured in
// bench/docs/placement.md) is most of a decision. Same connections, same database, no second pool.
import { createHash } from "node:crypto";
import type pg from "pg";
import type { Prisma } from "./generated/prisma/client";

/**
 * Statements with positional parameters ($1, $2…). Rows come back as node-postgres and Prisma's raw
 * queries both give them: timestamptz as Date, json/jsonb parsed, text[] as string[], int4 as
 * number (never select an int8: one gives a string, the other a BigInt). Pass a list or an object
 * as JSON text and cast it (`$2::jsonb`), so both give the same.
 */
export interface Sql {
  query<T = Record<string, unknown>>(text: string, values?: unknown[]): Promise<T[]>;
}

export interface SqlPool extends Sql {
  /**
   * Runs `work` in one transaction on one connection: committed when it resolves, rolled back when
   * it throws. Past `timeoutMs` the transaction fails and its connection is closed (the server rolls
   * it back); waiting for a connection past `maxWaitMs` fails too.
   */
  transaction<T>(
    work: (sql: Sql) => Promise<T>,
    opts?: { timeoutMs?: number; maxWaitMs?: number },
  ): Promise<T>;
}

/**
 * Each statement is prepared once per connection under a name of its own, so that it is parsed and
 * planned once, not on every call (the texts are constants of the code, never built from input).
 */
const names = new Map<string, string>();
const nameOf = (text: string) => {
  let name = names.get(text);
  if (!name) {
    name = `aios_${createHash("sha256").update(text).digest("hex").slice(0, 16)}`;
    names.set(text, name);
  }
  return name;
};

const rowsOf = async <T>(client: pg.Pool | pg.PoolClient, text: string, values?: unknown[]) =>
  (await client.query({ name: nameOf(text), text, ...(values ? { values } : {}) })).rows as T[];

/** The SQL pool over a node-postgres pool (the one `createDb` hands to Prisma). */
export function sqlPoolOf(pool: pg.Pool): SqlPool {
  return {
    query: (text, values) => rowsOf(pool, text, values),
    async transaction(work, opts = {}) {
      const { timeoutMs = 30_000, maxWaitMs = 10_000 } = opts;
      const client = await within(
        pool.connect(),
        maxWaitMs,
        () => `no database connection within ${maxWaitMs} ms`,
      );
      let broken: Error | undefined;
      try {
        await client.query("BEGIN");
        const result = await within(
          work({ query: (text, values) => rowsOf(client, text, values) }),
          timeoutMs,
          () => `the transaction took longer than ${timeoutMs} ms`,
        );
        await client.query("COMMIT");
        return result;
      } catch (err) {
        broken = err as Error;
        // A transaction still running (timed out) is ended with its connection, not waited for.
        if (!(err instanceof TransactionTimeout)) await client.query("ROLLBACK").catch(() => undefined);
        throw err;
      } finally {
        client.release(broken instanceof TransactionTimeout ? broken : undefined);
      }
    },
  };
}

/** The same statements inside a Prisma interactive transaction (`$queryRawUnsafe`). */
export function sqlOfTx(tx: Prisma.TransactionClient): Sql {
  return { query: <T>(text: string, values: unknown[] = []) => tx.$queryRawUnsafe<T[]>(text, ...values) };
}

class TransactionTimeout extends Error {}

function within<T>(promise: Promise<T>, ms: number, why: () => string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new TransactionTimeout(why())), ms);
  });
  return Promise.race([promise, late]).finally(() => clearTimeout(timer));
}
