import { Badge } from "@/components/ui/badge";

export function ModeBadge({ mode }: { mode: string }) {
  return mode === "third_party" ? (
    <Badge tone="warning">third-party</Badge>
  ) : (
    <Badge tone="accent">aios</Badge>
  );
}
