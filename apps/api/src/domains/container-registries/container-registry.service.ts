import {
  pullSecretNameOf,
  registryServerOf,
  type TContainerRegistryCreate,
  type TContainerRegistryRecord,
  type TContainerRegistryUpdate,
  type TImagePull,
} from "@aios/contracts";
import type { Db, Prisma } from "@aios/db";
import { ConflictError, NotFoundError, UserError } from "../../errors";
import { sameDoc } from "../registry/doc";
import {
  type ContainerRegistryRow,
  createContainerRegistryRegistry,
  toContainerRegistryRecord,
} from "./container-registry.registry";
import type { SecretBox } from "./secret-box";

/** The components whose spec names the registry, for their image or their init container's. */
const COMPONENTS_USING = `
  SELECT "component_uri" AS uri FROM "components"
   WHERE "doc" #>> '{containerRegistryInfo,containerRegistryId}' = $1
      OR "doc" #>> '{containerRegistryInfo,initContainer,containerRegistryId}' = $1
   ORDER BY "component_uri" LIMIT 6`;

/**
 * Container registries (the add-on of the seed): what a component's `containerRegistryId` names,
 * its address and its credentials. The password is sealed by `box` before it is stored and opened
 * only for an agent that pulls an image (`imagePull`); no read answers it.
 */
export function createContainerRegistryService(db: Db, box: SecretBox) {
  const registry = createContainerRegistryRegistry(db);
  const secretOf = (id: string, c: { username: string; password: string } | undefined | null) =>
    c ? { username: c.username, secret: box.seal(JSON.stringify({ password: c.password }), id) } : null;
  const passwordOf = (row: ContainerRegistryRow) =>
    row.secret === null ? null : (JSON.parse(box.open(row.secret, row.id)) as { password: string }).password;

  async function usedBy(id: string): Promise<string[]> {
    const rows = await db.$queryRawUnsafe<Array<{ uri: string }>>(COMPONENTS_USING, id);
    return rows.map((r) => r.uri);
  }

  return {
    ...registry,

    /**
     * Adds a registry. The same values again (password included) change nothing; other values
     * under an existing id are a conflict (`update` changes a registry).
     */
    async create(
      input: TContainerRegistryCreate,
      createdBy: string | null,
    ): Promise<{ created: boolean; containerRegistry: TContainerRegistryRecord }> {
      const id = input.containerRegistryId;
      const credentials =
        input.username && input.password ? { username: input.username, password: input.password } : null;
      const existing = await db.containerRegistry.findUnique({ where: { id } });
      if (existing) {
        const same =
          existing.url === input.url &&
          existing.username === (credentials?.username ?? null) &&
          passwordOf(existing) === (credentials?.password ?? null) &&
          sameDoc(existing.metadata, input.metadata ?? {}) &&
          sameDoc(existing.tags, input.tags ?? []);
        if (same) return { created: false, containerRegistry: toContainerRegistryRecord(existing) };
        throw new ConflictError(
          `container registry ${id} already exists with other values; change it with containerRegistries.update`,
        );
      }
      const sealed = secretOf(id, credentials);
      const row = await db.containerRegistry.create({
        data: {
          id,
          url: input.url,
          username: sealed?.username ?? null,
          secret: sealed?.secret ?? null,
          metadata: (input.metadata ?? {}) as Prisma.InputJsonValue,
          tags: input.tags ?? [],
          createdBy,
        },
      });
      return { created: true, containerRegistry: toContainerRegistryRecord(row) };
    },

    /** Changes what is given; `credentials: null` makes the registry anonymous. */
    async update(input: TContainerRegistryUpdate): Promise<TContainerRegistryRecord> {
      const id = input.containerRegistryId;
      const existing = await db.containerRegistry.findUnique({ where: { id } });
      if (!existing) throw new NotFoundError("container registry", id, "containerRegistryId");
      const sealed = input.credentials === undefined ? undefined : secretOf(id, input.credentials);
      const row = await db.containerRegistry.update({
        where: { id },
        data: {
          ...(input.url !== undefined ? { url: input.url } : {}),
          ...(sealed !== undefined
            ? { username: sealed?.username ?? null, secret: sealed?.secret ?? null }
            : {}),
          ...(input.metadata !== undefined ? { metadata: input.metadata as Prisma.InputJsonValue } : {}),
          ...(input.tags !== undefined ? { tags: input.tags } : {}),
        },
      });
      return toContainerRegistryRecord(row);
    },

    /** Removes a registry no component names; removing one that is gone changes nothing. */
    async remove(id: string): Promise<{ removed: boolean }> {
      const users = await usedBy(id);
      if (users.length > 0) {
        const shown = users.slice(0, 5).join(", ");
        throw new ConflictError(
          `container registry ${id} is named by component(s) ${shown}${users.length > 5 ? " and more" : ""}: it stays while a component pulls its image from it`,
        );
      }
      const { count } = await db.containerRegistry.deleteMany({ where: { id } });
      return { removed: count > 0 };
    },

    /** Refuses a component spec whose registry id names no registry (`path` names the field). */
    async checkNamed(id: string | undefined, path: string): Promise<void> {
      if (id === undefined) return;
      const found = await db.containerRegistry.findUnique({ where: { id }, select: { id: true } });
      if (!found)
        throw UserError.field(
          path,
          `names container registry ${JSON.stringify(id)}, which is not registered (aios container-registry add)`,
        );
    },

    /** What an agent needs to pull an image of registry `id` (its credentials opened); null when gone. */
    async imagePull(id: string): Promise<TImagePull | null> {
      const row = await db.containerRegistry.findUnique({ where: { id } });
      if (!row) return null;
      const address = registryServerOf(row.url);
      const password = passwordOf(row);
      return {
        containerRegistryId: id,
        server: "server" in address ? address.server : row.url,
        secretName: pullSecretNameOf(id),
        credentials: row.username !== null && password !== null ? { username: row.username, password } : null,
      };
    },
  };
}

export type ContainerRegistryService = ReturnType<typeof createContainerRegistryService>;
