// node-postgres settings shared by the runtime client (client.ts) and the prisma CLI
// (prisma.config.ts). Both exist to work around @prisma/adapter-pg 6.19.3 issues.
import pg from "pg";

type Fields = { fields?: { dataTypeID: number }[] } | undefined;

// OIDs adapter-pg cannot map to a Prisma column type: 19 = name, 18 = "char".
const TEXT_OID = 25;
const rewriteOids = (res: Fields | Fields[]): void => {
  for (const r of Array.isArray(res) ? res : [res]) {
    for (const f of r?.fields ?? []) if (f.dataTypeID === 19 || f.dataTypeID === 18) f.dataTypeID = TEXT_OID;
  }
};

/**
 * Workaround 2 (prisma/orm#27403): adapter-pg throws "Column type 'name' could not be
 * deserialized" for catalog columns (migrate introspection, `current_database()` in raw
 * queries). Both values are plain text on the wire, so we relabel them as text.
 * pg.Pool calls `query` in callback form, direct users in promise form: handle both.
 */
export class NameAsTextClient extends pg.Client {
  // biome-ignore lint/suspicious/noExplicitAny: mirrors pg's heavily overloaded signature
  override query(...args: any[]): any {
    const cbIndex = args.findIndex((a) => typeof a === "function");
    if (cbIndex >= 0) {
      const cb = args[cbIndex];
      args[cbIndex] = (err: unknown, res: Fields) => {
        if (!err) rewriteOids(res);
        cb(err, res);
      };
      // biome-ignore lint/suspicious/noExplicitAny: see above
      return (super.query as any)(...args);
    }
    // biome-ignore lint/suspicious/noExplicitAny: see above
    const out = (super.query as any)(...args);
    if (out && typeof out.then === "function") {
      return out.then((res: Fields) => {
        rewriteOids(res);
        return res;
      });
    }
    return out; // a Submittable (cursor/stream): leave as is
  }
}

/**
 * Workaround 3: the adapter needs DISCRETE connection fields, not a connectionString
 * (its shadow-DB code overrides `database`, which a connectionString would silently win
 * over) and not a pg.Pool (its `options.password` is non-enumerable and gets lost).
 */
export function poolConfigFromUrl(databaseUrl: string, extra: pg.PoolConfig = {}): pg.PoolConfig {
  const u = new URL(databaseUrl);
  if (u.protocol !== "postgres:" && u.protocol !== "postgresql:") {
    throw new Error(`Not a postgres URL: ${u.protocol}//${u.host}`);
  }
  const sslmode = u.searchParams.get("sslmode");
  return {
    host: decodeURIComponent(u.hostname) || "127.0.0.1",
    port: u.port ? Number(u.port) : 5432,
    user: decodeURIComponent(u.username) || undefined,
    password: decodeURIComponent(u.password),
    database: decodeURIComponent(u.pathname.replace(/^\//, "")) || undefined,
    ...(sslmode && sslmode !== "disable" ? { ssl: { rejectUnauthorized: sslmode === "verify-full" } } : {}),
    Client: NameAsTextClient,
    ...extra,
  };
}
