import {
  componentUriOf,
  type TComponentRecord,
  type TComponentSpec,
  type TFilterQuery,
} from "@aios/contracts";
import type { Db, Prisma } from "@aios/db";
import { ConflictError, NotFoundError, UserError } from "../../errors";
import type { ContainerRegistryService } from "../container-registries/container-registry.service";
import { asObject, sameDoc } from "../registry/doc";
import { inKeyOrder, type PageInput, searchKeys } from "../registry/search";

type ComponentRow = Prisma.ComponentGetPayload<object>;

/** Where a registration's values sit in the spec document, for the errors' field paths. */
const SPEC_VALUES = "body.spec.values";

export function toComponentRecord(row: ComponentRow): TComponentRecord {
  return {
    componentURI: row.componentURI,
    componentType: row.componentType,
    name: row.name,
    version: row.version,
    releaseTag: row.releaseTag,
    componentMode: row.componentMode as TComponentRecord["componentMode"],
    containerImage: row.containerImage,
    tags: row.tags,
    doc: asObject(row.doc),
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

export function createComponentService(db: Db, registries: Pick<ContainerRegistryService, "checkNamed">) {
  return {
    async list(page: PageInput & { componentType?: string | undefined } = {}) {
      const rows = await db.component.findMany({
        where: page.componentType ? { componentType: page.componentType } : {},
        orderBy: { componentURI: "asc" },
        take: page.limit ?? 100,
        skip: page.offset ?? 0,
      });
      return rows.map(toComponentRecord);
    },

    async get(componentURI: string) {
      const row = await db.component.findUnique({ where: { componentURI } });
      if (!row) throw new NotFoundError("component", componentURI);
      return toComponentRecord(row);
    },

    async search(filter: TFilterQuery, page: PageInput = {}) {
      const keys = await searchKeys(db, "components", filter, page);
      const rows = await db.component.findMany({ where: { componentURI: { in: keys } } });
      return inKeyOrder(keys, rows, (r) => r.componentURI).map(toComponentRecord);
    },

    /**
     * `registerComponent`: a component version is immutable. Registering the same spec again is a
     * no-op; other content under the same URI is a conflict (publish a new version instead).
     */
    async register(values: TComponentSpec): Promise<{ created: boolean; component: TComponentRecord }> {
      const componentURI = componentUriOf(values);
      const existing = await db.component.findUnique({ where: { componentURI } });
      if (existing) {
        if (sameDoc(existing.doc, values)) return { created: false, component: toComponentRecord(existing) };
        throw new ConflictError(
          `component ${componentURI} is already registered with a different spec; versions are immutable, register a new version`,
        );
      }
      const container = values.containerRegistryInfo;
      await registries.checkNamed(
        container?.containerRegistryId,
        `${SPEC_VALUES}.containerRegistryInfo.containerRegistryId`,
      );
      await registries.checkNamed(
        container?.initContainer?.containerRegistryId as string | undefined,
        `${SPEC_VALUES}.containerRegistryInfo.initContainer.containerRegistryId`,
      );
      const asset = values.runtime?.asset;
      const data = {
        componentURI,
        componentType: values.componentType,
        name: values.componentId.name,
        version: values.componentId.version,
        releaseTag: values.componentId.releaseTag,
        componentMode: values.containerRegistryInfo?.componentMode ?? "aios",
        containerImage: values.containerRegistryInfo?.containerImage ?? null,
        tags: values.tags ?? [],
        doc: values as Prisma.InputJsonValue,
      };
      if (!asset) return { created: true, component: toComponentRecord(await db.component.create({ data })) };
      // Pushed code: its asset must exist with that digest, and stays (its removal waits) until this commits.
      const row = await db.$transaction(async (tx) => {
        const [found] = await tx.$queryRaw<{ sha256: string }[]>`
          SELECT sha256 FROM assets WHERE asset_uri = ${asset.assetURI} FOR SHARE`;
        if (!found)
          throw UserError.field(
            `${SPEC_VALUES}.runtime.asset.assetURI`,
            `names asset ${JSON.stringify(asset.assetURI)}, which is not registered (aios component push uploads and registers it)`,
          );
        if (found.sha256 !== asset.sha256)
          throw UserError.field(
            `${SPEC_VALUES}.runtime.asset.sha256`,
            `is ${asset.sha256}, but asset ${asset.assetURI} is ${found.sha256}`,
          );
        return tx.component.create({ data });
      });
      return { created: true, component: toComponentRecord(row) };
    },
  };
}

export type ComponentService = ReturnType<typeof createComponentService>;
