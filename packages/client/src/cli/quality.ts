import type { TQualityAuditItem, TQualityDelivery } from "@aios/contracts";
import type { ApiClient } from "../api-client";
import { noMore, parseOrRefuse } from "./args";
import { type CliIo, CliUsageError } from "./io";
import { renderTable } from "./table";
import { intValue, print } from "./values";

export const QUALITY_USAGE = `  aios quality list [--vdag URI] [--status pending|reviewed] [--limit N] [--before ID] [-o table|json]
                                          the manual audit queue: samples the quality policy
                                          routed to "manual", newest first
  aios quality show ID [-o table|json]    one audit item: its input and output, the policy's
                                          verdict and the reviewer's
  aios quality verdict ID --pass|--fail [--note TEXT]
                                          record the reviewer's verdict (operators; once)
  aios quality deliveries --vdag URI [--status pending|delivered|failed] [-o table|json]
                                          the webhook deliveries of a vDAG's samples, each
                                          attempt's outcome
  aios quality secret --vdag URI [--rotate]
                                          the vDAG's webhook signing secret (admins); --rotate
                                          makes a new one`;

const when = (iso: string | null) => (iso ? iso.replace("T", " ").replace(/\.\d+Z$/, "Z") : "");
const verdictText = (v: TQualityAuditItem["verdict"]) =>
  `${v.passed === null ? "-" : v.passed ? "passed" : "failed"}${v.score === null ? "" : ` ${v.score}`}`;

const ITEM_COLUMNS: Record<string, (i: TQualityAuditItem) => unknown> = {
  ID: (i) => i.id,
  SAMPLED: (i) => when(i.sampledAt),
  VDAG: (i) => i.vdagURI,
  TASK: (i) => i.taskId,
  POLICY: (i) => verdictText(i.verdict),
  STATUS: (i) => i.status,
  REVIEW: (i) => i.reviewerVerdict ?? "",
};

const DELIVERY_COLUMNS: Record<string, (d: TQualityDelivery) => unknown> = {
  ID: (d) => d.id,
  TASK: (d) => d.taskId,
  STATUS: (d) => d.status,
  ATTEMPTS: (d) => `${d.attempts}/${d.maxAttempts}`,
  LAST: (d) => d.lastStatusCode ?? d.lastError ?? "",
  NEXT: (d) => when(d.nextAttemptAt),
  DELIVERED: (d) => when(d.deliveredAt),
};

const outputOf = (command: string, value: string | undefined) => {
  const output = value ?? "table";
  if (output !== "table" && output !== "json")
    throw new CliUsageError(`quality ${command}: -o must be table or json, got ${JSON.stringify(output)}`);
  return output;
};

function itemText(i: TQualityAuditItem): string {
  const lines = [
    `id:        ${i.id}`,
    `vdag:      ${i.vdagURI}`,
    `task:      ${i.taskId}`,
    `sampled:   ${when(i.sampledAt)}`,
    `policy:    ${verdictText(i.verdict)}${i.verdict.reason ? ` (${i.verdict.reason})` : ""}`,
    `status:    ${i.status}`,
  ];
  if (i.status === "reviewed")
    lines.push(
      `review:    ${i.reviewerVerdict} by ${i.reviewer} at ${when(i.reviewedAt)}`,
      `note:      ${i.note ?? ""}`,
    );
  lines.push("input:", JSON.stringify(i.input, null, 2), "output:", JSON.stringify(i.output, null, 2));
  return lines.join("\n");
}

export async function qualityCommand(api: ApiClient, args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseOrRefuse("quality", args, {
    vdag: { type: "string" },
    status: { type: "string" },
    limit: { type: "string" },
    before: { type: "string" },
    pass: { type: "boolean" },
    fail: { type: "boolean" },
    note: { type: "string" },
    rotate: { type: "boolean" },
    output: { type: "string", short: "o" },
  });
  const [sub, id, ...extra] = positionals;
  noMore("quality", extra);
  const limit = intValue("--limit", values.limit);
  if (limit === 0) throw new CliUsageError("--limit must be at least 1");
  switch (sub) {
    case "list": {
      const output = outputOf("list", values.output);
      const items = await api.quality.auditItems.query({
        ...(values.vdag ? { vdagURI: values.vdag } : {}),
        ...(values.status ? { status: values.status as TQualityAuditItem["status"] } : {}),
        ...(limit ? { limit } : {}),
        ...(values.before ? { before: values.before } : {}),
      });
      if (output === "json") print(io.out, items);
      else io.out(items.length ? renderTable(ITEM_COLUMNS, items) : "(no audit items)");
      return 0;
    }
    case "show": {
      if (!id) throw new CliUsageError("usage: aios quality show ID");
      const item = await api.quality.auditItem.query({ id });
      if (outputOf("show", values.output) === "json") print(io.out, item);
      else io.out(itemText(item));
      return 0;
    }
    case "verdict": {
      if (!id || values.pass === values.fail)
        throw new CliUsageError(
          "usage: aios quality verdict ID --pass|--fail [--note TEXT] (one of --pass, --fail)",
        );
      const item = await api.quality.recordVerdict.mutate({
        id,
        verdict: values.pass ? "pass" : "fail",
        ...(values.note !== undefined ? { note: values.note } : {}),
      });
      io.out(`audit item ${item.id}: ${item.reviewerVerdict} recorded`);
      return 0;
    }
    case "deliveries": {
      if (!values.vdag) throw new CliUsageError("usage: aios quality deliveries --vdag URI");
      const output = outputOf("deliveries", values.output);
      const rows = await api.quality.deliveries.query({
        vdagURI: values.vdag,
        ...(values.status ? { status: values.status as TQualityDelivery["status"] } : {}),
        ...(limit ? { limit } : {}),
      });
      if (output === "json") print(io.out, rows);
      else
        io.out(
          rows.length ? renderTable(DELIVERY_COLUMNS, rows) : `(no webhook deliveries of ${values.vdag})`,
        );
      return 0;
    }
    case "secret": {
      if (!values.vdag) throw new CliUsageError("usage: aios quality secret --vdag URI [--rotate]");
      const input = { vdagURI: values.vdag };
      const r = values.rotate
        ? await api.quality.rotateWebhookSecret.mutate(input)
        : await api.quality.webhookSecret.mutate(input);
      io.out(r.secret);
      return 0;
    }
    default:
      throw new CliUsageError("usage: aios quality list|show|verdict|deliveries|secret (see aios help)");
  }
}
