import { Badge } from "./badge";

export function TagList({ tags }: { tags: string[] }) {
  if (tags.length === 0) return <span className="text-zinc-400">—</span>;
  return (
    <span className="flex flex-wrap gap-1">
      {tags.map((t) => (
        <Badge key={t} className="px-1.5 py-0 text-[11px]">
          {t}
        </Badge>
      ))}
    </span>
  );
}
