import { Fragment, type ReactNode } from "react";
import { cn } from "@/lib/cn";
import { CopyButton } from "./copy-button";

// Strings (keys when followed by ':'), literals and numbers of JSON.stringify output.
const TOKEN = /("(?:\\.|[^"\\])*")(\s*:)?|\b(true|false|null)\b|(-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)/g;

function highlight(json: string): ReactNode[] {
  const out: ReactNode[] = [];
  let last = 0;
  for (const m of json.matchAll(TOKEN)) {
    const i = m.index ?? 0;
    if (i > last) out.push(json.slice(last, i));
    const [text, str, colon, literal] = m;
    let cls = "text-amber-300";
    if (str !== undefined) cls = colon ? "text-sky-300" : "text-emerald-300";
    else if (literal !== undefined) cls = "text-violet-300";
    out.push(
      <span key={i} className={cls}>
        {str ?? text}
      </span>,
    );
    if (colon) out.push(<Fragment key={`${i}:`}>{colon}</Fragment>);
    last = i + text.length;
  }
  if (last < json.length) out.push(json.slice(last));
  return out;
}

/** Read-only view of JSON (or of source text, given as a string) with highlighting and a copy button. */
export function CodeBlock({
  value,
  className,
  maxHeight = "32rem",
  lineNumbers = false,
  plain = false,
  testId,
}: {
  value: unknown;
  className?: string;
  maxHeight?: string;
  /** A gutter numbering the lines (for source code). */
  lineNumbers?: boolean;
  /** No JSON highlighting (shell or Python text, whose numbers and strings are not JSON's). */
  plain?: boolean;
  testId?: string;
}) {
  const json = typeof value === "string" ? value : JSON.stringify(value, null, 2);
  const lines = lineNumbers ? json.split("\n").length : 0;
  return (
    <div
      className={cn("group relative overflow-hidden rounded-lg bg-zinc-950 ring-1 ring-zinc-900", className)}
      data-testid={testId}
    >
      <CopyButton text={json} className="absolute right-2 top-2 opacity-0 group-hover:opacity-100" />
      <pre
        className="flex overflow-auto p-4 font-mono text-[12.5px] leading-relaxed text-zinc-300"
        style={{ maxHeight }}
      >
        {lineNumbers ? (
          <span className="mr-4 select-none text-right text-zinc-600" aria-hidden data-testid="line-numbers">
            {Array.from({ length: lines }, (_, i) => i + 1).join("\n")}
          </span>
        ) : null}
        <code>{plain ? json : highlight(json)}</code>
      </pre>
    </div>
  );
}
