-- The spec store: named, versioned spec documents that parser.applySpec applies by URI.
CREATE TABLE "specs" (
    "spec_uri" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "version" TEXT NOT NULL,
    "release_tag" TEXT NOT NULL,
    "template_uri" TEXT NOT NULL,
    "action" TEXT,
    "description" TEXT,
    "tags" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "metadata" JSONB NOT NULL DEFAULT '{}',
    "document" JSONB NOT NULL,
    "created_by" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "specs_pkey" PRIMARY KEY ("spec_uri")
);

CREATE INDEX "specs_name_idx" ON "specs"("name");

CREATE INDEX "specs_template_uri_idx" ON "specs"("template_uri");

CREATE INDEX "specs_tags_idx" ON "specs" USING GIN ("tags");
