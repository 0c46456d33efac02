import Link from "next/link";

/** A link to another record from inside a table cell or field (accent, underlined on hover). */
export function RecordLink({ href, children }: { href: string; children: string }) {
  return (
    <Link href={href} className="text-accent-700 hover:underline">
      {children}
    </Link>
  );
}
