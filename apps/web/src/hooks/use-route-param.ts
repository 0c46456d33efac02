"use client";

import { useParams } from "next/navigation";
import { decodeParam } from "@/lib/routes";

/** A dynamic segment of the current route (`[id]`, `[uri]`), decoded once. */
export function useRouteParam(name: string): string {
  return decodeParam(useParams<Record<string, string | string[]>>()[name]);
}
