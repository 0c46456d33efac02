import { describe, expect, it } from "vitest";
import { companionEnvProblem, sidecarPortEnv } from "../src/index";
import { errorsOf, V, validComponent, valuesOf } from "./fixtures";

/** A component that runs as a process, with the given runtime beside its entry. */
const asProcess = (runtime: Record<string, unknown>) => {
  const { containerRegistryInfo: _, ...noImage } = validComponent();
  return { ...noImage, runtime: { entry: "examples/components/greeter-with-sidecar/index.ts", ...runtime } };
};
const dir = "examples/components/greeter-with-sidecar";
const prepare = { name: "prepare", entry: `${dir}/prepare.ts`, env: { GREETING: "hi" } };
const stamp = { name: "stamp", entry: `${dir}/stamp-server.ts`, ports: [{ name: "stamp" }] };

describe("a component's init containers and side-cars (runtime.initContainers, runtime.sidecars)", () => {
  it("keeps them as given beside the instance-level fields", () => {
    const values = valuesOf("registerComponent", asProcess({ initContainers: [prepare], sidecars: [stamp] }));
    expect(values.runtime).toMatchObject({ initContainers: [prepare], sidecars: [stamp] });
  });

  it("needs a program each, and an entry for a component that runs as a process", () => {
    expect(errorsOf("registerComponent", asProcess({ sidecars: [{ name: "stamp" }] }))).toEqual([
      {
        path: `${V}.runtime.sidecars[0].entry`,
        message: "Required: give entry (a program of the component) or containerImage (on Kubernetes)",
      },
    ]);
    const imageOnly = { name: "proxy", containerImage: "registry.local/stamp:1" };
    expect(errorsOf("registerComponent", asProcess({ sidecars: [stamp, imageOnly] }))).toEqual([
      {
        path: `${V}.runtime.sidecars[1].entry`,
        message:
          "Required: the component runs as a process (it has no containerRegistryInfo.containerImage), so each of its init containers and side-cars needs an entry",
      },
    ]);
    // A component of its own image runs on Kubernetes: an image per side-car is enough there.
    const withImage = { ...validComponent(), runtime: { sidecars: [imageOnly] } };
    expect(valuesOf("registerComponent", withImage).runtime).toEqual(withImage.runtime);
  });

  it("refuses an entry outside the component directory, naming the field", () => {
    const errors = errorsOf(
      "registerComponent",
      asProcess({ initContainers: [{ ...prepare, entry: "../x.ts" }] }),
    );
    expect(errors).toEqual([
      {
        path: `${V}.runtime.initContainers[0].entry`,
        message: "must not contain a '..' segment: a component's program stays inside its directory",
      },
    ]);
  });

  it("names them by unique DNS labels, none the platform's own container", () => {
    const errors = errorsOf(
      "registerComponent",
      asProcess({
        initContainers: [prepare, { ...prepare, name: "Bad_Name" }],
        sidecars: [
          { ...stamp, name: "prepare" },
          { ...stamp, name: "workload", ports: [] },
        ],
      }),
    );
    expect(errors).toEqual([
      {
        path: `${V}.runtime.initContainers[1].name`,
        message:
          "must be a DNS label of at most 32 characters: lowercase letters, digits and '-', a letter first",
      },
      {
        path: `${V}.runtime.sidecars[0].name`,
        message: "prepare is already the name of runtime.initContainers[0]",
      },
      { path: `${V}.runtime.sidecars[1].name`, message: "workload names the platform's own container" },
    ]);
  });

  it("refuses platform variables and AIOS_* names in env, naming the variable", () => {
    const errors = errorsOf(
      "registerComponent",
      asProcess({
        sidecars: [{ ...stamp, env: { OK_NAME: "1", AIOS_CONTROL_TOKEN: "x", PORT: "80", "1BAD": "y" } }],
      }),
    );
    expect(errors).toEqual([
      {
        path: `${V}.runtime.sidecars[0].env.AIOS_CONTROL_TOKEN`,
        message: "AIOS_* variables are the platform's (its tokens and settings): choose another name",
      },
      {
        path: `${V}.runtime.sidecars[0].env.PORT`,
        message: "PORT is set by the platform: choose another name",
      },
      {
        path: `${V}.runtime.sidecars[0].env["1BAD"]`,
        message: "must be a variable name: letters, digits and '_', not a digit first",
      },
    ]);
    expect(companionEnvProblem("aios_lowercase")).toMatch(/^AIOS_\* variables/);
    expect(companionEnvProblem("NODE_OPTIONS")).toBe(
      "NODE_OPTIONS is set by the platform: choose another name",
    );
  });

  it("names side-car ports uniquely across side-cars (one pod's ports), never the instance's own", () => {
    const errors = errorsOf(
      "registerComponent",
      asProcess({
        sidecars: [
          { ...stamp, ports: [{ name: "stamp" }, { name: "http" }] },
          { ...stamp, name: "other", ports: [{ name: "stamp" }, { name: "Too-Long-Port-Name" }] },
        ],
      }),
    );
    expect(errors).toEqual([
      {
        path: `${V}.runtime.sidecars[1].ports[1].name`,
        message: "must be a port name: at most 15 lowercase letters, digits and single '-', a letter first",
      },
      {
        path: `${V}.runtime.sidecars[0].ports[1].name`,
        message: "http is already the name of the instance's own port",
      },
      {
        path: `${V}.runtime.sidecars[1].ports[0].name`,
        message: "stamp is already the name of a port of runtime.sidecars[0]",
      },
    ]);
    expect(sidecarPortEnv("metrics-2")).toBe("AIOS_SIDECAR_PORT_METRICS_2");
  });

  it("bounds the lists, the arguments and an init container's timeout; refuses unknown fields", () => {
    const many = Array.from({ length: 9 }, (_, i) => ({ ...stamp, name: `s${i}`, ports: [] }));
    expect(errorsOf("registerComponent", asProcess({ sidecars: many }))).toEqual([
      { path: `${V}.runtime.sidecars`, message: "must have at most 8 side-cars (MAX_INSTANCE_COMPANIONS)" },
    ]);
    const args = Array.from({ length: 65 }, () => "-v");
    expect(
      errorsOf("registerComponent", asProcess({ initContainers: [{ ...prepare, args, timeoutSeconds: 0 }] })),
    ).toEqual([
      {
        path: `${V}.runtime.initContainers[0].args`,
        message: "must have at most 64 arguments (MAX_COMPANION_ARGS)",
      },
      {
        path: `${V}.runtime.initContainers[0].timeoutSeconds`,
        message: expect.stringMatching(/>=\s*1|at least 1/),
      },
    ]);
    expect(
      errorsOf("registerComponent", asProcess({ sidecars: [{ ...stamp, restart: "never" }] }))[0]?.path,
    ).toBe(`${V}.runtime.sidecars[0].restart`);
  });
});
