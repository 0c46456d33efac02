-- AlterTable
ALTER TABLE "gpus" ADD COLUMN     "memory_used_mb" DOUBLE PRECISION,
ADD COLUMN     "processes" JSONB NOT NULL DEFAULT '[]',
ADD COLUMN     "status_at" TIMESTAMPTZ(3),
ADD COLUMN     "utilization_pct" DOUBLE PRECISION;
