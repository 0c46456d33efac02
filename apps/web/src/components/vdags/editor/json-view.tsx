"use client";

import { useCallback, useEffect, useRef, useState } from "react";
import { Textarea } from "@/components/ui/input";
import { readDocument, type VdagDocument } from "@/lib/vdag/document";

const APPLY_AFTER_MS = 250;

export const formatDocument = (doc: VdagDocument) => JSON.stringify(doc, null, 2);

/**
 * The spec document as JSON, editable: text that parses into a drawable document replaces the
 * graph (after a short pause in typing); text that does not is kept here with the reason, and the
 * graph stays as it was. Changes made elsewhere (the side panel) rewrite the text.
 */
export function JsonView({ doc, onChange }: { doc: VdagDocument; onChange: (doc: VdagDocument) => void }) {
  const [text, setText] = useState(() => formatDocument(doc));
  const [error, setError] = useState<string | null>(null);
  // The document this text produced: when `doc` is another one, it changed elsewhere.
  const produced = useRef<VdagDocument>(doc);
  useEffect(() => {
    if (doc !== produced.current) {
      produced.current = doc;
      setText(formatDocument(doc));
      setError(null);
    }
  }, [doc]);
  const apply = useCallback(
    (value: string) => {
      let json: unknown;
      try {
        json = JSON.parse(value);
      } catch (err) {
        setError(`not valid JSON: ${(err as Error).message}`);
        return;
      }
      const read = readDocument(json);
      if (!read.ok) {
        setError(read.message);
        return;
      }
      setError(null);
      if (formatDocument(read.doc) === formatDocument(produced.current)) return;
      produced.current = read.doc;
      onChange(read.doc);
    },
    [onChange],
  );
  useEffect(() => {
    const timer = setTimeout(() => apply(text), APPLY_AFTER_MS);
    return () => clearTimeout(timer);
  }, [text, apply]);
  // Leaving the view (another tab) applies what was typed last, even within the pause.
  const latest = useRef({ text, apply });
  latest.current = { text, apply };
  useEffect(() => () => latest.current.apply(latest.current.text), []);

  return (
    <div className="flex h-full flex-col gap-2 p-4">
      <p className="text-xs text-zinc-500">
        The <code className="font-mono">createvDAG</code> document exactly as it will be applied. Edits update
        the graph; node positions are kept in this browser, not in the spec.
      </p>
      <Textarea
        aria-label="vDAG spec (JSON)"
        value={text}
        onChange={(e) => setText(e.target.value)}
        onBlur={() => apply(text)}
        spellCheck={false}
        className="min-h-0 flex-1 resize-none text-xs leading-relaxed"
        data-testid="vdag-json"
        aria-invalid={error ? true : undefined}
      />
      {error ? (
        <p role="alert" className="text-xs text-red-700" data-testid="vdag-json-error">
          {error} — the graph shows the last valid document.
        </p>
      ) : null}
    </div>
  );
}
