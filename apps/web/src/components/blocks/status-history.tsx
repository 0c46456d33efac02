import { StatusBadge } from "@/components/ui/badge";
import { Card, CardHeader } from "@/components/ui/card";
import { asObject, asString } from "@/lib/doc";
import { formatDateTime } from "@/lib/format";

interface StatusChange {
  status: string;
  reason: string;
  at: string;
}

/** The status changes the API keeps in `doc.runtime.history` (a vDAG's: `doc.history`), oldest first. */
export function statusHistory(doc: unknown): StatusChange[] {
  const history = asObject(asObject(doc)?.runtime)?.history ?? asObject(doc)?.history;
  if (!Array.isArray(history)) return [];
  return history.flatMap((h) => {
    const e = asObject(h);
    const status = asString(e?.status);
    return status ? [{ status, reason: asString(e?.reason) ?? "", at: asString(e?.at) ?? "" }] : [];
  });
}

/** Newest first. */
export function StatusHistoryCard({
  doc,
  description = "The block's last status changes, newest first.",
}: {
  doc: unknown;
  description?: string;
}) {
  const changes = statusHistory(doc).reverse();
  return (
    <Card className="overflow-hidden" data-testid="status-history">
      <CardHeader title="Status history" description={description} />
      {changes.length === 0 ? (
        <p className="px-5 py-4 text-sm text-zinc-400">No status change yet.</p>
      ) : (
        <ol className="divide-y divide-zinc-100">
          {changes.map((c) => (
            <li key={`${c.at}-${c.status}`} className="flex items-start gap-3 px-5 py-3">
              <StatusBadge status={c.status} />
              <span className="min-w-0 flex-1 break-words text-sm text-zinc-600">{c.reason}</span>
              <time dateTime={c.at} className="whitespace-nowrap text-xs text-zinc-400">
                {formatDateTime(c.at)}
              </time>
            </li>
          ))}
        </ol>
      )}
    </Card>
  );
}
