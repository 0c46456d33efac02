-- A vDAG's quota state (counts per session, the total, the quota policy's saved state), kept for its
-- controller across restarts.
CREATE TABLE "vdag_quotas" (
    "vdag_uri" TEXT NOT NULL,
    "total" INTEGER NOT NULL DEFAULT 0,
    "version" BIGINT NOT NULL DEFAULT 0,
    "policy_key" TEXT,
    "policy_state" JSONB,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "vdag_quotas_pkey" PRIMARY KEY ("vdag_uri")
);

CREATE TABLE "vdag_quota_counts" (
    "vdag_uri" TEXT NOT NULL,
    "session_id" TEXT NOT NULL,
    "count" INTEGER NOT NULL,
    "version" BIGINT NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "vdag_quota_counts_pkey" PRIMARY KEY ("vdag_uri","session_id")
);

ALTER TABLE "vdag_quotas" ADD CONSTRAINT "vdag_quotas_vdag_uri_fkey" FOREIGN KEY ("vdag_uri") REFERENCES "vdags"("vdag_uri") ON DELETE CASCADE ON UPDATE CASCADE;

ALTER TABLE "vdag_quota_counts" ADD CONSTRAINT "vdag_quota_counts_vdag_uri_fkey" FOREIGN KEY ("vdag_uri") REFERENCES "vdags"("vdag_uri") ON DELETE CASCADE ON UPDATE CASCADE;
