"use client";

import { useMutation } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import { type VdagDocument, withValues } from "@/lib/vdag/document";
import { type Problem, problemsFromIssues } from "@/lib/vdag/problems";
import { useTRPC } from "@/trpc/react";

export type ServerCheck =
  | { status: "idle" }
  | { status: "checking" }
  | { status: "valid"; heads: string[]; tails: string[] }
  | { status: "invalid"; problems: Problem[] }
  | { status: "unavailable"; message: string };

const DEBOUNCE_MS = 600;

/** The document in `mode`, without touching the editor's copy. */
export function inMode(doc: VdagDocument, mode: string): VdagDocument {
  return withValues(doc, { ...doc.body.spec.values, mode });
}

/** The API names the field of a not-found error only in its message: `... (field <path>)`. */
const FIELD_IN_MESSAGE = /^(.*) \(field ([^)]+)\)$/;

/**
 * `data.issues` of a tRPC error: `[{path, message}]` naming fields of the document (for a
 * not-found error, read from its message).
 */
export function issuesOf(error: unknown): { path: string; message: string }[] {
  const data = (error as { data?: { issues?: unknown } } | null)?.data;
  if (Array.isArray(data?.issues) && data.issues.length > 0)
    return data.issues as { path: string; message: string }[];
  const named = FIELD_IN_MESSAGE.exec(error instanceof Error ? error.message : "");
  return named?.[1] && named[2] ? [{ path: named[2], message: named[1] }] : [];
}

/**
 * The API's view of the graph while editing: `parser.applySpec` with `mode: "validateGraph"`
 * (acyclic, every block and nested vDAG known, assignment policies run), debounced, and only for a
 * document the console's own checks passed (so nothing is sent that is known to be wrong).
 */
export function useServerCheck(doc: VdagDocument, enabled: boolean): ServerCheck {
  const trpc = useTRPC();
  const { mutateAsync } = useMutation(trpc.parser.applySpec.mutationOptions());
  const [check, setCheck] = useState<ServerCheck>({ status: "idle" });
  useEffect(() => {
    if (!enabled) {
      setCheck({ status: "idle" });
      return;
    }
    let current = true;
    setCheck({ status: "checking" });
    const timer = setTimeout(() => {
      mutateAsync({ document: inMode(doc, "validateGraph") }).then(
        (answer) => {
          if (!current) return;
          const graph = (answer.result as { graph?: { heads?: string[]; tails?: string[] } } | null)?.graph;
          setCheck({ status: "valid", heads: graph?.heads ?? [], tails: graph?.tails ?? [] });
        },
        (err: unknown) => {
          if (!current) return;
          const issues = issuesOf(err);
          const message = err instanceof Error ? err.message : String(err);
          const httpStatus = (err as { data?: { httpStatus?: number } }).data?.httpStatus;
          // A refusal (4xx) is about the document; anything else means the check could not run.
          if (issues.length > 0 || (httpStatus !== undefined && httpStatus < 500)) {
            const named = issues.length > 0 ? issues : [{ path: "", message }];
            setCheck({ status: "invalid", problems: problemsFromIssues(doc, named, "server") });
          } else setCheck({ status: "unavailable", message });
        },
      );
    }, DEBOUNCE_MS);
    return () => {
      current = false;
      clearTimeout(timer);
    };
  }, [doc, enabled, mutateAsync]);
  return check;
}
