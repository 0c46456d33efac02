import type { AppRouter } from "@aios/api/router";
import type { inferRouterOutputs } from "@trpc/server";

export type THealthReport = inferRouterOutputs<AppRouter>["health"]["status"];

/** Why the API says it is degraded, in one line. */
export function degradedReason(h: THealthReport): string {
  const parts: string[] = [];
  if (!h.postgres.ok) parts.push(`Postgres: ${h.postgres.error ?? "not answering"}`);
  if (!h.queue.ok) parts.push(`Queues (${h.queue.backend}): ${h.queue.error ?? "not answering"}`);
  return parts.join(" · ") || "The API reports degraded";
}
