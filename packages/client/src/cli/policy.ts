import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { POLICY_KINDS, type TPolicyErrorInfo, type TPolicyLogEntry } from "@aios/contracts";
import type { ApiClient } from "../api-client";
import { type CliIo, CliUsageError } from "./io";
import { jsonValue, objectValue, print } from "./values";

export const POLICY_USAGE = `  aios policy dry-run -f POLICY.ts --input JSON|FILE [--kind KIND] [--settings ...] [--parameters ...]
  aios policy execute URI --input JSON|FILE [--settings ...] [--parameters ...]
                      [--executor ID | --executor-group G]   on a deployed executor (aios executors list)
  aios policy job submit URI --cluster ID --input JSON|FILE [--wait]
  aios policy job get JOB_ID
  aios policy versions NAME`;

const options = {
  file: { type: "string", short: "f" },
  input: { type: "string" },
  kind: { type: "string" },
  settings: { type: "string" },
  parameters: { type: "string" },
  cluster: { type: "string" },
  wait: { type: "boolean" },
  output: { type: "string", short: "o" },
  executor: { type: "string" },
  "executor-group": { type: "string" },
} as const;

export async function policyCommand(api: ApiClient, args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({ args, options, allowPositionals: true });
  const [sub, ...rest] = positionals;
  const overrides = {
    settings: objectValue("--settings", values.settings),
    parameters: objectValue("--parameters", values.parameters),
  };
  switch (sub) {
    case "dry-run": {
      if (!values.file) throw new CliUsageError("policy dry-run needs -f POLICY.ts");
      if (values.input === undefined) throw new CliUsageError("policy dry-run needs --input");
      if (values.kind && !(POLICY_KINDS as readonly string[]).includes(values.kind)) {
        throw new CliUsageError(`--kind must be one of ${POLICY_KINDS.join(", ")}`);
      }
      const code = readFileSync(values.file, "utf8");
      const r = await api.policies.dryRun.mutate({
        code,
        kind: values.kind as (typeof POLICY_KINDS)[number] | undefined,
        input: jsonValue("--input", values.input),
        ...overrides,
      });
      printLogs(io, r.logs);
      if (r.error) return fail(io, values.file, r.error);
      if (!r.valid) {
        for (const e of r.validationErrors)
          io.err(`${values.file}: invalid ${r.kind} output: ${e.path}: ${e.message}`);
        return 1;
      }
      print(io.out, r.output);
      return 0;
    }
    case "execute": {
      const [uri] = rest;
      if (!uri) throw new CliUsageError("policy execute needs a policy URI");
      const r = await api.policies.execute.mutate({
        policyRuleURI: uri,
        input: jsonValue("--input", values.input),
        ...overrides,
        ...(values.executor !== undefined ? { executorId: values.executor } : {}),
        ...(values["executor-group"] !== undefined ? { executorGroup: values["executor-group"] } : {}),
      });
      if (r.executorId) io.err(`ran on executor ${r.executorId}`);
      printLogs(io, r.logs);
      if (r.error) return fail(io, uri, r.error);
      print(io.out, r.output);
      return 0;
    }
    case "job":
      return jobCommand(api, rest, values, io);
    case "versions": {
      const [name] = rest;
      if (!name) throw new CliUsageError("policy versions needs a policy name");
      const rows = await api.policies.versions.query({ name });
      io.out(rows.map((r) => `${r.policyRuleURI}  ${r.kind}  ${r.createdAt}`).join("\n") || "No versions.");
      return 0;
    }
    default:
      throw new CliUsageError(`unknown policy command ${JSON.stringify(sub ?? "")}`);
  }
}

async function jobCommand(
  api: ApiClient,
  [action, arg]: string[],
  values: { cluster?: string | undefined; input?: string | undefined; wait?: boolean | undefined },
  io: CliIo,
): Promise<number> {
  if (action === "submit") {
    if (!arg) throw new CliUsageError("policy job submit needs a policy URI");
    if (!values.cluster) throw new CliUsageError("policy job submit needs --cluster ID");
    let job = await api.policies.submitJob.mutate({
      policyRuleURI: arg,
      clusterId: values.cluster,
      input: jsonValue("--input", values.input),
    });
    if (values.wait) {
      const deadline = Date.now() + 60_000;
      while ((job.status === "pending" || job.status === "running") && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 250));
        job = await api.policies.getJob.query({ id: job.id });
      }
    }
    print(io.out, job);
    return job.status === "failed" ? 1 : 0;
  }
  if (action === "get") {
    if (!arg) throw new CliUsageError("policy job get needs a job id");
    print(io.out, await api.policies.getJob.query({ id: arg }));
    return 0;
  }
  throw new CliUsageError(`unknown policy job command ${JSON.stringify(action ?? "")}`);
}

function printLogs(io: CliIo, logs: TPolicyLogEntry[]) {
  for (const l of logs) io.err(`[policy ${l.level}] ${l.message}`);
}

function fail(io: CliIo, where: string, error: TPolicyErrorInfo): number {
  const at = error.line !== undefined ? `:${error.line}:${error.column ?? 0}` : "";
  io.err(`${where}${at}: ${error.kind} error: ${error.message}`);
  for (const i of error.issues ?? []) io.err(`  ${i.path}: ${i.message}`);
  return 1;
}
