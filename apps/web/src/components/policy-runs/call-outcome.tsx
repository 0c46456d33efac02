import type { TPolicyCallResult } from "@aios/contracts";
import { formatMs } from "@/components/blocks/executor-status";
import { StatusBadge } from "@/components/ui/badge";
import { CodeBlock } from "@/components/ui/code-block";
import { PolicyError } from "./policy-error";
import { PolicyLogs } from "./policy-logs";

/** One call of a function replica: ok or failed, which replica, its output or error, its logs. */
export function CallOutcome({
  result,
  testId,
}: {
  result: TPolicyCallResult & { replica: number };
  testId: string;
}) {
  return (
    <div className="space-y-3" data-testid={testId}>
      <p className="flex flex-wrap items-center gap-2 text-sm text-zinc-600">
        <StatusBadge status={result.ok ? "ok" : "failed"} testId="call-status" />
        <span data-testid="call-replica">replica {result.replica}</span>
        <span className="text-zinc-400">{formatMs(result.durationMs)}</span>
      </p>
      {result.error ? <PolicyError error={result.error} testId="call-error" /> : null}
      {result.output !== undefined ? (
        <CodeBlock value={result.output} maxHeight="16rem" testId="call-output" />
      ) : null}
      <PolicyLogs logs={result.logs} testId="call-logs" />
    </div>
  );
}
