import { z } from "zod";
import { ZContainerRegistryId } from "../container-registry";
import { ZBoundedName } from "../limits";
import {
  COMPONENT_NAME_RE,
  COMPONENT_TYPE_RE,
  formatComponentUri,
  RELEASE_TAG_HINT,
  RELEASE_TAG_RE,
  VERSION_HINT,
  VERSION_RE,
} from "../uri";
import { ZJsonObject, ZNonEmptyString, ZPolicyRuleRef, ZProtocolTemplate, ZTags } from "./common";
import { ZComponentEntry } from "./component-entry";
import { companionIssues, ZInstanceInitContainers, ZInstanceSidecars } from "./instance-companions";

export const COMPONENT_MODES = ["aios", "third_party"] as const;

/** `aios` | `third_party`; the docs' spelling `third-party` is accepted and normalised. */
export const ZComponentMode = z.preprocess(
  (v) => (v === "third-party" ? "third_party" : v),
  z.enum(COMPONENT_MODES),
);
export type TComponentMode = (typeof COMPONENT_MODES)[number];

export const ZComponentId = z.looseObject({
  name: ZBoundedName().regex(COMPONENT_NAME_RE, {
    error: "must contain only letters, digits, '-' or '_' and start with a letter or digit",
  }),
  version: z.string().regex(VERSION_RE, { error: `must be ${VERSION_HINT}` }),
  releaseTag: z.string().regex(RELEASE_TAG_RE, { error: `must be ${RELEASE_TAG_HINT}` }),
});

const ZContainerInfo = {
  containerImage: ZNonEmptyString.optional(),
  containerRegistryId: ZContainerRegistryId.optional(),
  containerImageMetadata: ZJsonObject.optional(),
};

export const ZContainerRegistryInfo = z.looseObject({
  ...ZContainerInfo,
  componentMode: ZComponentMode.default("aios"),
  /** Same shape: a container that installs (and removes) the third-party system the block fronts. */
  initContainer: z.looseObject(ZContainerInfo).optional(),
});

export const ZManagementCommandTemplate = z.looseObject({
  description: z.string().optional(),
  args: z.unknown().optional(),
});

/** Beyond the original: how the process driver runs the component (blocks run as processes here). */
export const ZComponentRuntime = z.looseObject({
  /**
   * Program path relative to the repository, e.g. `examples/components/echo/index.ts`; it stays
   * inside it (no absolute path, no `..`).
   */
  entry: ZComponentEntry.optional(),
  /**
   * The component's code as one bundled file in the assets registry (what `aios component push`
   * uploads): agents fetch it by digest, check it, and run it as they run `entry`.
   */
  asset: z
    .strictObject({
      assetURI: ZNonEmptyString,
      sha256: z
        .string()
        .regex(/^[a-f0-9]{64}$/, { error: "must be a sha256 digest: 64 lowercase hex digits" }),
    })
    .optional(),
  /**
   * A managed third-party system: a program run once before the block's instances start
   * (`AIOS_INIT_MODE=install`) and once after they stop on removal (`uninstall`). It reports its
   * stages as JSON lines `{"stage":"begin"|"main"|"finish"|"failed", "message"?, "parameters"?}`;
   * the parameters of `finish` (e.g. the system's URL) are given to every instance.
   */
  init: z.looseObject({ entry: ZComponentEntry }).optional(),
  /**
   * Per instance, unlike `init`: programs run in order before each instance starts, each to exit 0
   * (see instance-companions.ts).
   */
  initContainers: ZInstanceInitContainers.optional(),
  /** Per instance: programs beside it, started and restarted with it, told its ports and theirs. */
  sidecars: ZInstanceSidecars.optional(),
});

/**
 * Beyond the original: what ONE instance of the component needs. The Resource Allocator's built-in
 * scorer gives 0 to a cluster that cannot hold the block's `minInstances` of it; placing instances
 * on nodes and GPUs stays the agent's work.
 */
export const ZComponentResources = z.strictObject({
  vcpus: z.number().min(0).optional(),
  memoryMb: z.number().min(0).optional(),
  gpus: z.number().int().min(0).optional(),
  /** GPU memory one instance needs over all its GPUs, MB. */
  gpuMemoryMb: z.number().min(0).optional(),
});
export type TComponentResources = z.infer<typeof ZComponentResources>;

/** `registerComponent` values (reference §2.2). */
export const ZComponentSpec = z
  .looseObject({
    componentId: ZComponentId,
    componentType: ZBoundedName().regex(COMPONENT_TYPE_RE, {
      error: "must start with a letter and contain only letters, digits, '-' or '_' (e.g. model, tool)",
    }),
    containerRegistryInfo: ZContainerRegistryInfo.prefault({}),
    componentMetadata: ZJsonObject.optional(),
    componentInitData: ZJsonObject.optional(),
    componentInitSettings: ZJsonObject.optional(),
    componentParameters: ZJsonObject.optional(),
    policies: z.record(z.string(), ZPolicyRuleRef).optional(),
    tags: ZTags.optional(),
    componentInputProtocol: ZProtocolTemplate.optional(),
    componentOutputProtocol: ZProtocolTemplate.optional(),
    componentInitSettingsProtocol: ZProtocolTemplate.optional(),
    componentInitParametersProtocol: ZProtocolTemplate.optional(),
    componentManagementCommandsTemplate: z.record(z.string(), ZManagementCommandTemplate).optional(),
    runtime: ZComponentRuntime.optional(),
    resources: ZComponentResources.optional(),
  })
  .superRefine((spec, ctx) => {
    // A component nobody can start is a registration error, not a deploy-time surprise.
    if (!spec.runtime?.entry && !spec.runtime?.asset && !spec.containerRegistryInfo.containerImage) {
      ctx.addIssue({
        code: "custom",
        path: ["runtime", "entry"],
        message:
          "Required: give runtime.entry (run as a process), runtime.asset (pushed code) or containerRegistryInfo.containerImage (run on Kubernetes)",
      });
    }
    if (spec.runtime?.entry && spec.runtime.asset) {
      ctx.addIssue({
        code: "custom",
        path: ["runtime", "asset"],
        message:
          "give runtime.entry (a program of the installation) or runtime.asset (pushed code), not both",
      });
    }
    if (spec.runtime) {
      const asProcess = !spec.containerRegistryInfo.containerImage;
      for (const issue of companionIssues(spec.runtime, asProcess))
        ctx.addIssue({ code: "custom", path: ["runtime", ...issue.path], message: issue.message });
    }
  });
export type TComponentSpec = z.infer<typeof ZComponentSpec>;

/** `<componentType>.<name>:<version>-<releaseTag>` of a component spec. */
export function componentUriOf(values: Pick<TComponentSpec, "componentId" | "componentType">): string {
  const { name, version, releaseTag } = values.componentId;
  return formatComponentUri({ componentType: values.componentType, name, version, releaseTag });
}
