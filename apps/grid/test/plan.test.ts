import { describe, expect, it } from "vitest";
import { loadGridConfig } from "../src/config";
import { GridError } from "../src/errors";
import { collidingRoute } from "../src/network";
import { planGrid } from "../src/plan";
import { overlaps, parseCidr, parseGridSubnet } from "../src/subnet";

describe("grid address plan", () => {
  const subnet = parseGridSubnet("10.211.0.0/16");

  it("puts the bridge, the management host and the nodes in the subnet's first /24", () => {
    const plan = planGrid({ name: "aiosg", subnet, clusters: 2, nodes: 2 });
    expect(plan.subnet).toBe("10.211.0.0/16");
    expect(plan.bridge).toEqual({ name: "aiosg-br", address: "10.211.0.1", cidr: "10.211.0.1/24" });
    expect(plan.hosts.map((h) => [h.name, h.address, h.role, h.clusterId, h.nodeId])).toEqual([
      ["mgmt", "10.211.0.2", "management", null, null],
      ["c1-n1", "10.211.0.3", "node", "c1", "c1-n1"],
      ["c1-n2", "10.211.0.4", "node", "c1", "c1-n2"],
      ["c2-n1", "10.211.0.5", "node", "c2", "c2-n1"],
      ["c2-n2", "10.211.0.6", "node", "c2", "c2-n2"],
    ]);
  });

  it("gives every host its own namespace, a link name Linux accepts, and nodes disjoint uid ranges", () => {
    const plan = planGrid({ name: "aiosgrid", subnet, clusters: 10, nodes: 25 });
    expect(new Set(plan.hosts.map((h) => h.namespace)).size).toBe(plan.hosts.length);
    expect(new Set(plan.hosts.map((h) => h.address)).size).toBe(plan.hosts.length);
    for (const h of plan.hosts) expect(h.link.length).toBeLessThanOrEqual(15);
    expect(plan.hosts.at(-1)?.address).toBe("10.211.0.252");
    const ranges = plan.hosts.flatMap((h) => (h.workloadUids ? [h.workloadUids.split("-").map(Number)] : []));
    expect(ranges[0]).toEqual([2_201_000, 2_201_999]);
    ranges.sort((a, b) => (a[0] ?? 0) - (b[0] ?? 0));
    for (let i = 1; i < ranges.length; i++) expect(ranges[i]?.[0]).toBeGreaterThan(ranges[i - 1]?.[1] ?? 0);
  });

  it("refuses more hosts than the /24 holds", () => {
    expect(() => planGrid({ name: "aiosg", subnet, clusters: 1, nodes: 253 })).toThrow(GridError);
  });

  it("plans in any private subnet it is given", () => {
    const plan = planGrid({ name: "g", subnet: parseGridSubnet("172.20.8.0/22"), clusters: 1, nodes: 1 });
    expect(plan.hosts.map((h) => h.address)).toEqual(["172.20.8.2", "172.20.8.3"]);
  });
});

describe("grid subnet", () => {
  it.each([
    ["10.211.0.0", "must be an IPv4 network a.b.c.d/p"],
    ["10.211.0.0/33", "must be an IPv4 network"],
    ["10.300.0.0/16", "must be an IPv4 network"],
    ["10.211.0.0/25", "its prefix must be /8 to /24"],
    ["10.211.4.0/16", "not the network's first address (10.211.0.0/16)"],
    ["8.8.0.0/16", "must lie inside a private range"],
  ])("refuses AIOS_GRID_SUBNET=%s, saying why", (text, why) => {
    expect(() => parseGridSubnet(text)).toThrow(`AIOS_GRID_SUBNET=${text}: ${why}`);
  });

  it("tells overlapping networks from disjoint ones", () => {
    const net = (t: string) => parseCidr(t) ?? { base: 0, prefix: 0 };
    expect(overlaps(net("10.211.0.0/16"), net("10.211.5.0/24"))).toBe(true);
    expect(overlaps(net("10.0.0.0/8"), net("10.211.0.0/16"))).toBe(true);
    expect(overlaps(net("10.211.0.0/16"), net("10.212.0.0/16"))).toBe(false);
    expect(overlaps(net("192.0.2.0/24"), net("10.211.0.0/16"))).toBe(false);
  });

  it("takes its folder, subnet and name from the environment, with defaults", () => {
    const config = loadGridConfig("/srv/aios", {});
    expect(config).toMatchObject({
      home: "/srv/aios/.grid",
      name: "aiosg",
      subnet: parseGridSubnet("10.211.0.0/16"),
    });
    expect(loadGridConfig("/srv/aios", { AIOS_GRID_HOME: "/tmp/g" }).home).toBe("/tmp/g");
    expect(() => loadGridConfig("/srv/aios", { AIOS_GRID_NAME: "Grid-1" })).toThrow(/AIOS_GRID_NAME/);
  });
});

describe("grid subnet against this machine's routes", () => {
  const subnet = parseGridSubnet("10.211.0.0/16");
  const table = [
    { dst: "default", dev: "eth0" },
    { dst: "192.0.2.0/24", dev: "eth0" },
  ];

  it("takes a subnet no route of the machine covers, ignoring the default route and its own unreachable route", () => {
    expect(collidingRoute(table, subnet)).toBeNull();
    expect(collidingRoute([...table, { dst: "10.211.0.0/16", type: "unreachable" }], subnet)).toBeNull();
  });

  it("finds a route inside it, around it, or a host route in it", () => {
    for (const dst of ["10.211.9.0/24", "10.0.0.0/8", "10.211.3.4"])
      expect(collidingRoute([...table, { dst, dev: "wg0" }], subnet)?.dst).toBe(dst);
    expect(collidingRoute([...table, { dst: "10.211.0.0/16", type: "blackhole" }], subnet)?.dst).toBe(
      "10.211.0.0/16",
    );
  });
});
