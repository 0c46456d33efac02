import { describe, expect, it } from "vitest";
import { createWebhookTargets, parseAllowedNetworks } from "../src/domains/quality/webhook-targets";
import { loadApiEnv, qualityWebhookSettingsOf } from "../src/env";

const kindOf = (message: string | null) => message?.match(/is (?:a|this host, a) (.+?) address/)?.[1] ?? null;

describe("quality webhook targets", () => {
  const targets = createWebhookTargets();
  const refused = (url: string) => kindOf(targets.refusal(url));

  it.each([
    ["http://127.0.0.1/qa", "loopback"],
    ["http://127.1:8080/qa", "loopback"],
    ["http://0x7f.0.0.1/qa", "loopback"],
    ["http://2130706433/qa", "loopback"],
    ["http://[::1]/qa", "loopback"],
    ["http://[::ffff:127.0.0.1]/qa", "loopback"],
    ["http://localhost:3000/qa", "loopback"],
    ["http://LOCALHOST./qa", "loopback"],
    ["http://api.localhost/qa", "loopback"],
    ["http://10.1.2.3/qa", "private"],
    ["http://172.16.0.1/qa", "private"],
    ["http://172.31.255.254/qa", "private"],
    ["http://192.168.1.1/qa", "private"],
    ["http://[fd12:3456::1]/qa", "private"],
    ["http://169.254.169.254/latest/meta-data/", "link-local (cloud metadata)"],
    ["http://[fe80::1]/qa", "link-local (cloud metadata)"],
    ["http://100.64.0.1/qa", "shared (carrier-grade NAT)"],
    ["http://0.0.0.0:4000/qa", "unspecified"],
    ["http://[::]/qa", "unspecified"],
    ["http://224.0.0.1/qa", "multicast"],
    ["http://255.255.255.255/qa", "reserved"],
    ["http://[::7f00:1]/qa", "reserved"],
  ])("refuses %s: a %s address", (url, kind) => {
    expect(refused(url)).toBe(kind);
  });

  it.each([
    "https://hooks.example.com/qa",
    "http://93.184.215.14/qa",
    "http://172.32.0.1/qa",
    "http://[2606:4700:4700::1111]/qa",
    "https://qa.internal.example/qa",
  ])("lets %s through (a name is checked again on what it resolves to)", (url) => {
    expect(targets.refusal(url)).toBeNull();
  });

  it("lets the operator's networks through, and only those", () => {
    const allowing = createWebhookTargets(["10.1.0.0/16", "127.0.0.1", "fd00::/8"]);
    expect(allowing.refusal("http://10.1.200.3/qa")).toBeNull();
    expect(kindOf(allowing.refusal("http://10.2.0.1/qa"))).toBe("private");
    expect(allowing.refusal("http://127.0.0.1:9000/qa")).toBeNull();
    expect(kindOf(allowing.refusal("http://127.0.0.2/qa"))).toBe("loopback");
    // localhost is allowed when either loopback address is.
    expect(allowing.refusal("http://localhost/qa")).toBeNull();
    expect(allowing.refusalOf("fd00::5")).toBeNull();
    expect(kindOf(allowing.refusalOf("169.254.169.254"))).toBe("link-local (cloud metadata)");
  });

  it.each([
    ["10.0.0.0/33", "10.0.0.0/33: a network's prefix is at most 32 bits"],
    ["fd00::/129", "fd00::/129: a network's prefix is at most 128 bits"],
    ["intranet", "intranet is not an IP address or a network such as 10.0.0.0/8"],
    ["10.0.0.0/8/1", "10.0.0.0/8/1 is not an IP address or a network such as 10.0.0.0/8"],
    ["10.0.0.0/x", "10.0.0.0/x is not an IP address or a network such as 10.0.0.0/8"],
  ])("refuses the allowed network %s, naming it", (entry, message) => {
    expect(() => parseAllowedNetworks([entry])).toThrow(message);
  });

  it("reads AIOS_QUALITY_WEBHOOK_ALLOWED_NETWORKS, none by default, and refuses a bad entry at boot", () => {
    const base = { DATABASE_URL: "postgresql://postgres:postgres@127.0.0.1:5432/aios" };
    expect(qualityWebhookSettingsOf(loadApiEnv(base)).allowedNetworks).toEqual([]);
    const env = loadApiEnv({ ...base, AIOS_QUALITY_WEBHOOK_ALLOWED_NETWORKS: " 127.0.0.0/8, 10.0.0.0/8 ,," });
    expect(qualityWebhookSettingsOf(env).allowedNetworks).toEqual(["127.0.0.0/8", "10.0.0.0/8"]);
    expect(() => loadApiEnv({ ...base, AIOS_QUALITY_WEBHOOK_ALLOWED_NETWORKS: "127.0.0.0/8,lan" })).toThrow(
      "AIOS_QUALITY_WEBHOOK_ALLOWED_NETWORKS: lan is not an IP address or a network such as 10.0.0.0/8",
    );
  });
});
