"use client";

import { useQuery } from "@tanstack/react-query";
import { RefreshCw } from "lucide-react";
import { useEffect, useRef, useState } from "react";
import { companionRows } from "@/components/components/companion-rows";
import { Button } from "@/components/ui/button";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { Select } from "@/components/ui/input";
import { useTRPC } from "@/trpc/react";

const TAILS = [100, 200, 1000] as const;

/**
 * The last lines the block's executor, one of its instances, or one of an instance's init
 * containers and side-cars (`instance/container` in the select) printed (from the agent).
 */
export function LogsCard({ blockId, componentURI }: { blockId: string; componentURI: string }) {
  const trpc = useTRPC();
  const [target, setTarget] = useState("");
  const [limit, setLimit] = useState<number>(200);
  const instances = useQuery(trpc.blocks.instances.queryOptions({ id: blockId }));
  const component = useQuery(trpc.components.get.queryOptions({ componentURI }));
  const companions = companionRows(component.data?.doc.runtime).map((c) => c.name);
  const [instanceId, container] = target.split("/");
  const logs = useQuery(
    trpc.blocks.logs.queryOptions(
      { id: blockId, limit, ...(instanceId ? { instanceId } : {}), ...(container ? { container } : {}) },
      { refetchInterval: 5_000, retry: false },
    ),
  );
  const pre = useRef<HTMLPreElement>(null);
  const lines = logs.data?.lines;
  // New lines arrive at the bottom: keep the newest in view.
  useEffect(() => {
    if (lines && pre.current) pre.current.scrollTop = pre.current.scrollHeight;
  }, [lines]);
  return (
    <Card className="overflow-hidden" data-testid="logs-card">
      <CardHeader
        title="Logs"
        description="What the process printed last, as its cluster's agent captured it; refreshed every 5 s."
        actions={
          <>
            <Select
              aria-label="Process"
              value={target}
              onChange={(e) => setTarget(e.target.value)}
              data-testid="logs-target"
            >
              <option value="">executor</option>
              {(instances.data ?? []).flatMap((i) => [
                <option key={i.id} value={i.id}>
                  instance {i.id}
                </option>,
                ...companions.map((name) => (
                  <option key={`${i.id}/${name}`} value={`${i.id}/${name}`}>
                    instance {i.id} · {name}
                  </option>
                )),
              ])}
            </Select>
            <Select aria-label="Lines" value={limit} onChange={(e) => setLimit(Number(e.target.value))}>
              {TAILS.map((n) => (
                <option key={n} value={n}>
                  last {n}
                </option>
              ))}
            </Select>
            <Button size="sm" onClick={() => void logs.refetch()} aria-label="Refresh logs">
              <RefreshCw className={logs.isFetching ? "animate-spin" : undefined} />
            </Button>
          </>
        }
      />
      <CardBody className="p-0">
        {logs.isError ? (
          <p role="alert" className="px-5 py-4 text-sm text-red-700">
            {logs.error.message}
          </p>
        ) : logs.isPending ? (
          <p className="px-5 py-4 text-sm text-zinc-500">Loading…</p>
        ) : (lines ?? []).length === 0 ? (
          <p className="px-5 py-4 text-sm text-zinc-500">No output yet.</p>
        ) : (
          <pre
            ref={pre}
            className="max-h-80 overflow-auto bg-zinc-950 px-5 py-3 font-mono text-xs leading-relaxed text-zinc-100"
            data-testid="logs-lines"
          >
            {(lines ?? []).join("\n")}
          </pre>
        )}
      </CardBody>
    </Card>
  );
}
