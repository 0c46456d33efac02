-- Container registries: what a component's containerRegistryId names; the secret is ciphertext.
CREATE TABLE "container_registries" (
    "id" TEXT NOT NULL,
    "url" TEXT NOT NULL,
    "username" TEXT,
    "secret" TEXT,
    "metadata" JSONB NOT NULL DEFAULT '{}',
    "tags" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "created_by" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "container_registries_pkey" PRIMARY KEY ("id")
);
