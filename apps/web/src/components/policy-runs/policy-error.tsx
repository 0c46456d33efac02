import type { TPolicyErrorInfo } from "@aios/contracts";

/** A policy call's error: its kind and message, where in the policy's source, and the issues. */
export function PolicyError({ error, testId }: { error: TPolicyErrorInfo; testId?: string }) {
  return (
    <div
      role="alert"
      className="space-y-1 rounded-lg border border-red-200 bg-red-50 p-3 text-red-800"
      data-testid={testId}
    >
      <p className="whitespace-pre-wrap break-words font-mono text-xs">
        <span className="font-semibold">{error.kind}</span>: {error.message}
        {error.line !== undefined
          ? ` (line ${error.line}${error.column !== undefined ? `, column ${error.column}` : ""})`
          : ""}
      </p>
      {error.issues?.length ? (
        <ul className="space-y-0.5 text-xs">
          {error.issues.map((i) => (
            <li key={`${i.path}:${i.message}`}>
              <span className="font-mono font-medium">{i.path || "(root)"}</span>: {i.message}
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}
