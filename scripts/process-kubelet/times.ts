/** A metav1.Time as the API server writes it: RFC 3339, whole seconds. */
export const kubeTime = (at = new Date()): string => at.toISOString().replace(/\.\d+Z$/, "Z");

/**
 * A metav1.MicroTime (a Lease's renewTime): the API server parses exactly six fractional digits,
 * which a JavaScript Date's toISOString (three) does not give, so it is passed as text.
 */
export const kubeMicroTime = (at = new Date()): string => at.toISOString().replace(/\.(\d{3})Z$/, ".$1000Z");
