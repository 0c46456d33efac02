"use client";

/** A native select narrowing a list to one value; "" means all. */
export function SelectFilter({
  label,
  value,
  onChange,
  options,
  allLabel,
  testId,
}: {
  label: string;
  value: string;
  onChange: (v: string) => void;
  options: string[];
  allLabel: string;
  testId?: string;
}) {
  return (
    <label className="block">
      <span className="sr-only">{label}</span>
      <select
        value={value}
        onChange={(e) => onChange(e.target.value)}
        data-testid={testId}
        className="h-9 rounded-md border border-zinc-200 bg-white px-2.5 text-sm text-zinc-700 shadow-xs outline-none focus:border-accent-500 focus:ring-2 focus:ring-accent-100"
      >
        <option value="">{allLabel}</option>
        {options.map((o) => (
          <option key={o} value={o}>
            {o}
          </option>
        ))}
      </select>
    </label>
  );
}
