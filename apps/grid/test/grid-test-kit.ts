import { execFileSync } from "node:child_process";
import { chmodSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { type ApiClient, createApiClient } from "@aios/client";
import { loadSpecFile } from "@aios/contracts/files";
import { expect } from "vitest";
import { isAlive } from "../src/host-processes";
import type { GridStatus } from "../src/status";
import { grid, REPO_ROOT, runGrid } from "./grid-cli";

/** What the grid tests share: a grid of their own, polling, the echo component, what `down` leaves. */

export const COMPONENTS = resolve(REPO_ROOT, "examples/specs/components.json");

/** A temporary home for a grid named `name` on `subnet` (its folders let the workload users pass). */
export function gridOfOwn(prefix: string, name: string, subnet: string) {
  const parent = mkdtempSync(join(tmpdir(), prefix));
  chmodSync(parent, 0o711); // the hosts' workload users and PostgreSQL pass through it
  return {
    parent,
    env: { AIOS_GRID_HOME: join(parent, "grid"), AIOS_GRID_NAME: name, AIOS_GRID_SUBNET: subnet },
  };
}

export interface GridSession {
  status: GridStatus;
  token: string;
  api: ApiClient;
}

/** `up` with these arguments, then its status, the admin token and an API client. */
export async function bringUp(env: Record<string, string>, upArgs: string[]): Promise<GridSession> {
  await grid(["up", ...upArgs], env);
  const status = JSON.parse((await grid(["status", "--json"], env)).stdout) as GridStatus;
  const token = readFileSync(status.adminTokenFile, "utf8").trim();
  return { status, token, api: createApiClient({ url: status.apiUrl, token }) };
}

export const POLICIES = resolve(REPO_ROOT, "examples/specs/policies.json");

/** The document of an example spec file that makes `name` (a component's or a policy's). */
export function exampleDocument(file: string, name: string): unknown {
  const found = loadSpecFile(file).filter(({ document }) => {
    const values = (
      document as { body: { spec: { values: { name?: string; componentId?: { name?: string } } } } }
    ).body.spec.values;
    return (values.componentId?.name ?? values.name) === name;
  });
  if (found.length !== 1) throw new Error(`expected one ${name} in ${file}, found ${found.length}`);
  return found[0]!.document;
}

/** Applies the `echo` component of the examples, then every document of the spec files. */
export async function applyEchoAnd(api: ApiClient, specFiles: string[]): Promise<void> {
  const echo = exampleDocument(COMPONENTS, "echo");
  for (const document of [echo, ...specFiles.flatMap((f) => loadSpecFile(f).map((d) => d.document))])
    await api.parser.applySpec.mutate({ document });
}

/** Polls `probe` until it returns non-null; fails after `timeoutMs` saying what it waited for. */
export async function until<T>(
  what: string,
  timeoutMs: number,
  probe: () => Promise<T | null>,
  intervalMs = 500,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown = null;
  for (;;) {
    try {
      const got = await probe();
      if (got !== null) return got;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline)
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? `: ${last}` : ""}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

/** What is left of a grid after `down`: its namespaces, links, routes of `subnetPrefix`, live pids. */
export function leftOfGrid(name: string, subnetPrefix: string, status: GridStatus) {
  const ip = (...args: string[]) => execFileSync("ip", args, { encoding: "utf8" }).split("\n");
  return {
    namespaces: ip("netns", "list").filter((l) => l.startsWith(`${name}-`)),
    links: ip("-o", "link", "show").filter((l) => l.includes(`: ${name}`)),
    routes: ip("route", "show").filter((l) => l.includes(subnetPrefix)),
    processes: status.hosts.flatMap((h) => h.pids).filter(isAlive),
  };
}

/**
 * `down` for a test's own grid (`gridOfOwn`), then its folder goes; whatever happened in the test,
 * nothing of the grid may be left: no namespace, link, route of its subnet or process.
 */
export async function tearDownGrid(
  own: ReturnType<typeof gridOfOwn>,
  session: GridSession | undefined,
): Promise<void> {
  const down = await runGrid(["down"], own.env);
  rmSync(own.parent, { recursive: true, force: true });
  expect(down.code).toBe(0);
  const subnetPrefix = `${own.env.AIOS_GRID_SUBNET.split(".").slice(0, 2).join(".")}.`;
  if (session)
    expect(leftOfGrid(own.env.AIOS_GRID_NAME, subnetPrefix, session.status)).toEqual({
      namespaces: [],
      links: [],
      routes: [],
      processes: [],
    });
}
