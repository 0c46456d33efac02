import { createCipheriv, createDecipheriv, createHash, randomBytes } from "node:crypto";
import { OperationalError, UserError } from "../../errors";

/** The setting that holds the key credentials are encrypted with. */
export const SECRETS_KEY_SETTING = "AIOS_SECRETS_KEY";

/**
 * Secrets at rest (a container registry's password): AES-256-GCM under a 32-byte key from the
 * environment (`AIOS_SECRETS_KEY`, base64 or 64 hex digits), with what the secret belongs to (the
 * record's id) as associated data, so a ciphertext copied to another record does not open. The
 * stored text names the key by a fingerprint: a secret sealed under another key is reported as
 * such, not as garbage.
 */
export interface SecretBox {
  seal(plain: string, owner: string): string;
  open(sealed: string, owner: string): string;
}

/** The key from its text, or why the text is no key. */
export function parseSecretsKey(text: string): Buffer {
  const t = text.trim();
  const key = /^[0-9a-f]{64}$/i.test(t) ? Buffer.from(t, "hex") : Buffer.from(t, "base64");
  if (key.length !== 32)
    throw new UserError(
      `${SECRETS_KEY_SETTING} must be 32 bytes as base64 (44 characters) or hex (64 digits), e.g. from \`openssl rand -base64 32\`; it holds ${key.length} bytes`,
    );
  return key;
}

export const newSecretsKey = () => randomBytes(32).toString("base64");

const keyIdOf = (key: Buffer) => createHash("sha256").update(key).digest("hex").slice(0, 12);

/** A box under `key`; without one, sealing and opening fail naming the setting. */
export function createSecretBox(key: Buffer | null): SecretBox {
  const keyId = key ? keyIdOf(key) : "";
  const need = (what: string) => {
    if (!key)
      throw new OperationalError(
        `cannot ${what} credentials: the API has no ${SECRETS_KEY_SETTING} (32 bytes, base64) to encrypt them with`,
      );
    return key;
  };
  return {
    seal(plain, owner) {
      const k = need("store");
      const iv = randomBytes(12);
      const cipher = createCipheriv("aes-256-gcm", k, iv);
      cipher.setAAD(Buffer.from(owner));
      const body = Buffer.concat([cipher.update(plain, "utf8"), cipher.final()]);
      const parts = [iv, cipher.getAuthTag(), body].map((b) => b.toString("base64url"));
      return ["v1", keyId, ...parts].join(":");
    },
    open(sealed, owner) {
      const k = need("read");
      const [version, sealedKeyId, iv, tag, body] = sealed.split(":");
      if (version !== "v1" || !iv || !tag || body === undefined)
        throw new OperationalError(`the stored credentials of ${owner} are not in a known format`);
      if (sealedKeyId !== keyId)
        throw new OperationalError(
          `the credentials of ${owner} were encrypted under key ${sealedKeyId}, not the ${SECRETS_KEY_SETTING} given (${keyId}): set that key, or give the credentials again`,
        );
      try {
        const decipher = createDecipheriv("aes-256-gcm", k, Buffer.from(iv, "base64url"));
        decipher.setAAD(Buffer.from(owner));
        decipher.setAuthTag(Buffer.from(tag, "base64url"));
        return Buffer.concat([decipher.update(Buffer.from(body, "base64url")), decipher.final()]).toString(
          "utf8",
        );
      } catch {
        throw new OperationalError(
          `the stored credentials of ${owner} do not open: they were changed or belong elsewhere`,
        );
      }
    },
  };
}
