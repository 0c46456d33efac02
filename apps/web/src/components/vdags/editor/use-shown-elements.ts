"use client";

import type { Edge } from "@xyflow/react";
import { useMemo, useRef } from "react";
import { withDrawnSize } from "./editor-node";
import type { EditorFlowNode } from "./editor-state";

const sameList = (a: string[] | undefined, b: string[] | undefined) =>
  a === b || (a !== undefined && b !== undefined && a.length === b.length && a.every((x, i) => x === b[i]));

interface Cached<T> {
  base: T;
  problems: string[] | undefined;
  out: T;
}

/**
 * The state's elements as drawn: `decorate` adds their problems (and, for nodes, what React Flow
 * needs before it measures them). An element whose object and problems did not change keeps the
 * object it had last render, so React Flow re-renders only what changed (dragging one node of a
 * thousand touches one node).
 */
function useDecorated<T extends { id: string }>(
  items: T[],
  problems: Map<string, string[]>,
  decorate: (item: T, problems: string[] | undefined) => T,
): T[] {
  const cache = useRef(new Map<string, Cached<T>>());
  return useMemo(() => {
    const next = new Map<string, Cached<T>>();
    const out = items.map((item) => {
      const p = problems.get(item.id);
      const c = cache.current.get(item.id);
      if (c && c.base === item && sameList(c.problems, p)) {
        next.set(item.id, c);
        return c.out;
      }
      const shown = decorate(item, p);
      next.set(item.id, { base: item, problems: p, out: shown });
      return shown;
    });
    cache.current = next;
    return out;
  }, [items, problems, decorate]);
}

const decorateNode = (n: EditorFlowNode, problems: string[] | undefined): EditorFlowNode =>
  withDrawnSize(problems ? { ...n, data: { ...n.data, problems } } : n);

const decorateEdge = (e: Edge, problems: string[] | undefined): Edge =>
  problems
    ? {
        ...e,
        className: "aios-edge-invalid",
        label: problems[0],
        ariaLabel: `Edge from ${e.source} to ${e.target}: ${problems.join("; ")}`,
        domAttributes: { "data-invalid": "true" } as Edge["domAttributes"],
      }
    : e;

export function useShownNodes(nodes: EditorFlowNode[], problems: Map<string, string[]>) {
  return useDecorated(nodes, problems, decorateNode);
}

export function useShownEdges(edges: Edge[], problems: Map<string, string[]>) {
  return useDecorated(edges, problems, decorateEdge);
}
