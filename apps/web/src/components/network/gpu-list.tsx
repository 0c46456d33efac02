import type { TGpuRecord } from "@aios/contracts";
import { Cpu } from "lucide-react";
import { formatGiB } from "@/lib/format";

export function GpuList({ gpus }: { gpus: TGpuRecord[] }) {
  if (gpus.length === 0) return <span className="text-zinc-400">No GPUs</span>;
  return (
    <ul className="space-y-1">
      {gpus.map((g) => (
        <li key={g.index} className="flex items-center gap-1.5 text-xs" data-testid="gpu-row">
          <Cpu className="size-3.5 text-accent-500" />
          <span className="font-mono text-zinc-400">#{g.index}</span>
          <span className="font-medium text-zinc-700">{g.modelName}</span>
          <span className="text-zinc-500">· {formatGiB(g.memoryMb)}</span>
        </li>
      ))}
    </ul>
  );
}
