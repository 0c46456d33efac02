import Link from "next/link";

export function Wordmark() {
  return (
    <Link href="/" className="flex items-center gap-2" aria-label="AIOS home">
      <span className="flex size-7 items-center justify-center rounded-lg bg-accent-600 shadow-sm shadow-accent-600/30">
        <svg viewBox="0 0 24 24" className="size-4 text-white" fill="none" aria-hidden>
          <circle cx="6" cy="6" r="2.2" fill="currentColor" />
          <circle cx="18" cy="6" r="2.2" fill="currentColor" />
          <circle cx="12" cy="18" r="2.2" fill="currentColor" />
          <path d="M6 6 12 18 18 6" stroke="currentColor" strokeWidth="1.6" strokeLinecap="round" />
        </svg>
      </span>
      <span className="text-[15px] font-semibold tracking-tight text-zinc-900">AIOS</span>
    </Link>
  );
}
