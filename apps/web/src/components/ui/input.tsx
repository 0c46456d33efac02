import type { InputHTMLAttributes, ReactNode, SelectHTMLAttributes, TextareaHTMLAttributes } from "react";
import { cn } from "@/lib/cn";

const FIELD =
  "rounded-md border border-zinc-200 bg-white text-sm shadow-xs outline-none placeholder:text-zinc-400 focus:border-accent-500 focus:ring-2 focus:ring-accent-100";

export function Input({ className, ...props }: InputHTMLAttributes<HTMLInputElement>) {
  return <input className={cn(FIELD, "h-8 px-2.5", className)} {...props} />;
}

export function Textarea({ className, ...props }: TextareaHTMLAttributes<HTMLTextAreaElement>) {
  return <textarea className={cn(FIELD, "w-full px-3 py-2 font-mono text-[13px]", className)} {...props} />;
}

export function Select({ className, ...props }: SelectHTMLAttributes<HTMLSelectElement>) {
  return <select className={cn(FIELD, "h-8 px-2", className)} {...props} />;
}

/** A form control with its label's text above it; the label wraps it, so a click on the text focuses it. */
export function FormField({
  label,
  htmlFor,
  className,
  children,
}: {
  label: ReactNode;
  htmlFor: string;
  className?: string;
  children: ReactNode;
}) {
  return (
    <label htmlFor={htmlFor} className={cn("space-y-1 text-xs font-medium text-zinc-600", className)}>
      <span className="block">{label}</span>
      {children}
    </label>
  );
}

/** A select of the given options, one value each, shown as their labels. */
export function OptionSelect({
  options,
  ...props
}: SelectHTMLAttributes<HTMLSelectElement> & { options: ReadonlyArray<{ value: string; label?: string }> }) {
  return (
    <Select {...props}>
      {options.map((o) => (
        <option key={o.value} value={o.value}>
          {o.label ?? o.value}
        </option>
      ))}
    </Select>
  );
}

/** Why a form's call was refused or its input is wrong, announced to screen readers. */
export function FormError({ testId, children }: { testId: string; children: ReactNode }) {
  return (
    <p role="alert" className="break-words text-sm text-red-700" data-testid={testId}>
      {children}
    </p>
  );
}
