/**
 * Pod IPs on the loopback network: on Linux every address of 127.0.0.0/8 reaches this machine with
 * no setup, so each pod's processes can listen on an address of their own, as in a pod network.
 * Addresses are handed out once per test process, whichever kubelet asks, so that two process
 * kubelets with the same prefix never give one address twice.
 */
const taken = new Set<string>();

/** `prefix` is the first two octets, e.g. "127.77". */
export function checkPodAddressPrefix(prefix: string): void {
  if (!/^127\.\d{1,3}$/.test(prefix) || Number(prefix.split(".")[1]) > 255)
    throw new Error(`podAddressPrefix: "${prefix}" is not two octets of 127.0.0.0/8, such as "127.77"`);
}

/** An address of `prefix` no pod has; `wanted` (the pod's address before a restart of the kubelet) if free. */
export function claimPodAddress(prefix: string, wanted?: string): string {
  if (wanted?.startsWith(`${prefix}.`) && !taken.has(wanted)) {
    taken.add(wanted);
    return wanted;
  }
  for (let x = 0; x < 256; x++) {
    for (let y = 1; y < 255; y++) {
      const ip = `${prefix}.${x}.${y}`;
      if (!taken.has(ip)) {
        taken.add(ip);
        return ip;
      }
    }
  }
  throw new Error(`podAddressPrefix ${prefix}: every address of ${prefix}.0.0/16 is in use`);
}

export function releasePodAddress(ip: string): void {
  taken.delete(ip);
}
