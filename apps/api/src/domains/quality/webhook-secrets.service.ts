import { randomBytes } from "node:crypto";
import type { Db } from "@aios/db";
import { NotFoundError } from "../../errors";
import type { SecretBox } from "../container-registries/secret-box";

/** A new secret: 32 random bytes, `whsec_` and base64url (as receivers' libraries expect a prefix). */
const newSecret = () => `whsec_${randomBytes(32).toString("base64url")}`;

/**
 * Each vDAG's webhook secret, sealed with AIOS_SECRETS_KEY (the vDAG's URI as associated data).
 * Made when a vDAG with `qualityChecker.webhook` is created (the apply result shows it once);
 * an admin reads it again with `quality.webhookSecret` (audited) or replaces it (`rotate`).
 */
export function createWebhookSecrets(db: Db, box: SecretBox) {
  const owner = (vdagURI: string) => `quality-webhook:${vdagURI}`;
  return {
    /** Makes the vDAG's secret unless it has one; the new secret, or null when it had one. */
    async ensure(vdagURI: string): Promise<string | null> {
      const existing = await db.qualityWebhookSecret.findUnique({ where: { vdagURI } });
      if (existing) return null;
      const plain = newSecret();
      const r = await db.qualityWebhookSecret.createMany({
        data: [{ vdagURI, secret: box.seal(plain, owner(vdagURI)) }],
        skipDuplicates: true,
      });
      // Another process made one first: that one holds.
      return r.count === 1 ? plain : null;
    },

    /** The vDAG's secret in clear, for signing and for an admin. */
    async reveal(vdagURI: string): Promise<string> {
      const row = await db.qualityWebhookSecret.findUnique({ where: { vdagURI } });
      if (!row) throw new NotFoundError("quality webhook secret of vDAG", vdagURI, "vdagURI");
      return box.open(row.secret, owner(vdagURI));
    },

    /** A new secret replaces the old one at once (deliveries from now on are signed with it). */
    async rotate(vdagURI: string): Promise<string> {
      const vdag = await db.vdag.findUnique({ where: { vdagURI }, select: { vdagURI: true } });
      if (!vdag) throw new NotFoundError("vDAG", vdagURI, "vdagURI");
      const plain = newSecret();
      const secret = box.seal(plain, owner(vdagURI));
      await db.qualityWebhookSecret.upsert({
        where: { vdagURI },
        create: { vdagURI, secret },
        update: { secret },
      });
      return plain;
    },
  };
}

export type WebhookSecrets = ReturnType<typeof createWebhookSecrets>;
