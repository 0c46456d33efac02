-- The assets registry: blobs by sha256 in 1 MiB chunks, and the asset records that point at them.
CREATE TABLE "asset_blobs" (
    "sha256" TEXT NOT NULL,
    "size" INTEGER NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "asset_blobs_pkey" PRIMARY KEY ("sha256")
);

CREATE TABLE "asset_blob_chunks" (
    "sha256" TEXT NOT NULL,
    "index" INTEGER NOT NULL,
    "data" BYTEA NOT NULL,

    CONSTRAINT "asset_blob_chunks_pkey" PRIMARY KEY ("sha256","index")
);

CREATE TABLE "assets" (
    "asset_uri" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "version" TEXT NOT NULL,
    "release_tag" TEXT NOT NULL,
    "sha256" TEXT NOT NULL,
    "size" INTEGER NOT NULL,
    "tags" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "metadata" JSONB NOT NULL DEFAULT '{}',
    "uploaded_by" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "assets_pkey" PRIMARY KEY ("asset_uri")
);

CREATE INDEX "assets_name_idx" ON "assets"("name");

CREATE INDEX "assets_sha256_idx" ON "assets"("sha256");

CREATE INDEX "assets_tags_idx" ON "assets" USING GIN ("tags");

ALTER TABLE "asset_blob_chunks" ADD CONSTRAINT "asset_blob_chunks_sha256_fkey" FOREIGN KEY ("sha256") REFERENCES "asset_blobs"("sha256") ON DELETE CASCADE ON UPDATE CASCADE;

ALTER TABLE "assets" ADD CONSTRAINT "assets_sha256_fkey" FOREIGN KEY ("sha256") REFERENCES "asset_blobs"("sha256") ON DELETE RESTRICT ON UPDATE CASCADE;
