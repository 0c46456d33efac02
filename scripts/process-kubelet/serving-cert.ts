import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";

/**
 * A self-signed serving certificate for the kubelet API on 127.0.0.1, made by the openssl CLI
 * (node:crypto reads certificates but does not issue them). The API server trusts any kubelet
 * certificate unless started with --kubelet-certificate-authority, which the test peer is not.
 */
export function makeServingCert(dir: string, nodeName: string): { key: string; cert: string } {
  const keyPath = join(dir, "kubelet.key");
  const certPath = join(dir, "kubelet.crt");
  execFileSync(
    "openssl",
    [
      "req",
      "-x509",
      "-newkey",
      "ec",
      "-pkeyopt",
      "ec_paramgen_curve:prime256v1",
      "-nodes",
      "-days",
      "2",
      "-subj",
      `/CN=${nodeName}`,
      "-addext",
      "subjectAltName=IP:127.0.0.1",
      "-keyout",
      keyPath,
      "-out",
      certPath,
    ],
    { stdio: ["ignore", "ignore", "pipe"] },
  );
  return { key: readFileSync(keyPath, "utf8"), cert: readFileSync(certPath, "utf8") };
}
