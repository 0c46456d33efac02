-- CreateTable
CREATE TABLE "clusters" (
    "id" TEXT NOT NULL,
    "region_id" TEXT,
    "status" TEXT NOT NULL DEFAULT 'live',
    "public_hostname" TEXT,
    "tags" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "doc" JSONB NOT NULL DEFAULT '{}',
    "last_seen_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "clusters_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "nodes" (
    "id" TEXT NOT NULL,
    "cluster_id" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'ready',
    "vcpus" INTEGER NOT NULL DEFAULT 0,
    "memory_mb" INTEGER NOT NULL DEFAULT 0,
    "storage_mb" INTEGER,
    "tags" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "doc" JSONB NOT NULL DEFAULT '{}',
    "last_seen_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "nodes_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "gpus" (
    "node_id" TEXT NOT NULL,
    "index" INTEGER NOT NULL,
    "model_name" TEXT NOT NULL,
    "memory_mb" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "gpus_pkey" PRIMARY KEY ("node_id","index")
);

-- CreateTable
CREATE TABLE "components" (
    "component_uri" TEXT NOT NULL,
    "component_type" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "version" TEXT NOT NULL,
    "release_tag" TEXT NOT NULL,
    "component_mode" TEXT NOT NULL DEFAULT 'aios',
    "container_image" TEXT,
    "tags" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "doc" JSONB NOT NULL DEFAULT '{}',
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "components_pkey" PRIMARY KEY ("component_uri")
);

-- CreateTable
CREATE TABLE "blocks" (
    "id" TEXT NOT NULL,
    "component_uri" TEXT NOT NULL,
    "cluster_id" TEXT,
    "status" TEXT NOT NULL DEFAULT 'pending',
    "min_instances" INTEGER NOT NULL DEFAULT 1,
    "max_instances" INTEGER NOT NULL DEFAULT 1,
    "desired_instances" INTEGER NOT NULL DEFAULT 0,
    "tags" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "doc" JSONB NOT NULL DEFAULT '{}',
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "blocks_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "instances" (
    "id" TEXT NOT NULL,
    "block_id" TEXT NOT NULL,
    "node_id" TEXT,
    "status" TEXT NOT NULL DEFAULT 'pending',
    "endpoint" TEXT,
    "gpus" JSONB NOT NULL DEFAULT '[]',
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "instances_pkey" PRIMARY KEY ("block_id", "id")
);

-- CreateTable
CREATE TABLE "policies" (
    "policy_rule_uri" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "version" TEXT NOT NULL,
    "release_tag" TEXT NOT NULL,
    "kind" TEXT NOT NULL DEFAULT 'policy',
    "tags" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "description" TEXT,
    "code" TEXT NOT NULL DEFAULT '',
    "compiled" TEXT,
    "doc" JSONB NOT NULL DEFAULT '{}',
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "policies_pkey" PRIMARY KEY ("policy_rule_uri")
);

-- CreateTable
CREATE TABLE "policy_versions" (
    "policy_rule_uri" TEXT NOT NULL,
    "revision" INTEGER NOT NULL,
    "code" TEXT NOT NULL,
    "compiled" TEXT,
    "code_sha256" TEXT NOT NULL,
    "doc" JSONB NOT NULL DEFAULT '{}',
    "created_by" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "policy_versions_pkey" PRIMARY KEY ("policy_rule_uri","revision")
);

-- CreateTable
CREATE TABLE "policy_functions" (
    "name" TEXT NOT NULL,
    "policy_rule_uri" TEXT NOT NULL,
    "cluster_id" TEXT,
    "status" TEXT NOT NULL DEFAULT 'pending',
    "replicas" INTEGER NOT NULL DEFAULT 1,
    "endpoint" TEXT,
    "doc" JSONB NOT NULL DEFAULT '{}',
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "policy_functions_pkey" PRIMARY KEY ("name")
);

-- CreateTable
CREATE TABLE "policy_graphs" (
    "graph_uri" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "graph" JSONB NOT NULL DEFAULT '{}',
    "doc" JSONB NOT NULL DEFAULT '{}',
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "policy_graphs_pkey" PRIMARY KEY ("graph_uri")
);

-- CreateTable
CREATE TABLE "policy_jobs" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "policy_rule_uri" TEXT NOT NULL,
    "cluster_id" TEXT,
    "status" TEXT NOT NULL DEFAULT 'pending',
    "input" JSONB NOT NULL DEFAULT '{}',
    "settings" JSONB NOT NULL DEFAULT '{}',
    "parameters" JSONB NOT NULL DEFAULT '{}',
    "output" JSONB,
    "error" JSONB,
    "logs" JSONB NOT NULL DEFAULT '[]',
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "started_at" TIMESTAMPTZ(3),
    "finished_at" TIMESTAMPTZ(3),

    CONSTRAINT "policy_jobs_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "vdags" (
    "vdag_uri" TEXT NOT NULL,
    "vdag_name" TEXT NOT NULL,
    "version" TEXT NOT NULL,
    "release_tag" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'pending',
    "tags" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "compiled" JSONB,
    "doc" JSONB NOT NULL DEFAULT '{}',
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "vdags_pkey" PRIMARY KEY ("vdag_uri")
);

-- CreateTable
CREATE TABLE "vdag_controllers" (
    "id" TEXT NOT NULL,
    "vdag_uri" TEXT NOT NULL,
    "cluster_id" TEXT,
    "status" TEXT NOT NULL DEFAULT 'pending',
    "url" TEXT,
    "doc" JSONB NOT NULL DEFAULT '{}',
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "vdag_controllers_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "tasks" (
    "id" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'pending',
    "target_type" TEXT,
    "target_id" TEXT,
    "input" JSONB,
    "result" JSONB,
    "error" JSONB,
    "trace" JSONB NOT NULL DEFAULT '[]',
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,
    "finished_at" TIMESTAMPTZ(3),

    CONSTRAINT "tasks_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "metric_samples" (
    "id" BIGSERIAL NOT NULL,
    "entity_type" TEXT NOT NULL,
    "entity_id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "value" DOUBLE PRECISION NOT NULL,
    "ts" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "metric_samples_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "audit_events" (
    "id" BIGSERIAL NOT NULL,
    "actor" TEXT NOT NULL,
    "action" TEXT NOT NULL,
    "target" TEXT,
    "input" JSONB,
    "decision" JSONB,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "audit_events_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "api_tokens" (
    "id" TEXT NOT NULL,
    "token_hash" TEXT NOT NULL,
    "role" TEXT NOT NULL,
    "scope" TEXT,
    "name" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "last_used_at" TIMESTAMPTZ(3),
    "revoked_at" TIMESTAMPTZ(3),

    CONSTRAINT "api_tokens_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "clusters_region_id_idx" ON "clusters"("region_id");

-- CreateIndex
CREATE INDEX "clusters_status_idx" ON "clusters"("status");

-- CreateIndex
CREATE INDEX "clusters_tags_idx" ON "clusters" USING GIN ("tags");

-- CreateIndex
CREATE INDEX "clusters_doc_idx" ON "clusters" USING GIN ("doc" jsonb_path_ops);

-- CreateIndex
CREATE INDEX "nodes_cluster_id_idx" ON "nodes"("cluster_id");

-- CreateIndex
CREATE INDEX "nodes_status_idx" ON "nodes"("status");

-- CreateIndex
CREATE INDEX "nodes_tags_idx" ON "nodes" USING GIN ("tags");

-- CreateIndex
CREATE INDEX "nodes_doc_idx" ON "nodes" USING GIN ("doc" jsonb_path_ops);

-- CreateIndex
CREATE INDEX "gpus_model_name_idx" ON "gpus"("model_name");

-- CreateIndex
CREATE INDEX "components_component_type_name_idx" ON "components"("component_type", "name");

-- CreateIndex
CREATE INDEX "components_tags_idx" ON "components" USING GIN ("tags");

-- CreateIndex
CREATE INDEX "components_doc_idx" ON "components" USING GIN ("doc" jsonb_path_ops);

-- CreateIndex
CREATE INDEX "blocks_component_uri_idx" ON "blocks"("component_uri");

-- CreateIndex
CREATE INDEX "blocks_cluster_id_idx" ON "blocks"("cluster_id");

-- CreateIndex
CREATE INDEX "blocks_status_idx" ON "blocks"("status");

-- CreateIndex
CREATE INDEX "blocks_tags_idx" ON "blocks" USING GIN ("tags");

-- CreateIndex
CREATE INDEX "blocks_doc_idx" ON "blocks" USING GIN ("doc" jsonb_path_ops);

-- CreateIndex
CREATE INDEX "instances_node_id_idx" ON "instances"("node_id");

-- CreateIndex
CREATE INDEX "policies_name_idx" ON "policies"("name");

-- CreateIndex
CREATE INDEX "policies_kind_idx" ON "policies"("kind");

-- CreateIndex
CREATE INDEX "policies_tags_idx" ON "policies" USING GIN ("tags");

-- CreateIndex
CREATE INDEX "policies_doc_idx" ON "policies" USING GIN ("doc" jsonb_path_ops);

-- CreateIndex
CREATE INDEX "policy_functions_policy_rule_uri_idx" ON "policy_functions"("policy_rule_uri");

-- CreateIndex
CREATE INDEX "policy_functions_cluster_id_idx" ON "policy_functions"("cluster_id");

-- CreateIndex
CREATE INDEX "policy_graphs_name_idx" ON "policy_graphs"("name");

-- CreateIndex
CREATE INDEX "policy_jobs_status_created_at_idx" ON "policy_jobs"("status", "created_at");

-- CreateIndex
CREATE INDEX "policy_jobs_policy_rule_uri_idx" ON "policy_jobs"("policy_rule_uri");

-- CreateIndex
CREATE INDEX "vdags_vdag_name_idx" ON "vdags"("vdag_name");

-- CreateIndex
CREATE INDEX "vdags_status_idx" ON "vdags"("status");

-- CreateIndex
CREATE INDEX "vdags_tags_idx" ON "vdags" USING GIN ("tags");

-- CreateIndex
CREATE INDEX "vdags_doc_idx" ON "vdags" USING GIN ("doc" jsonb_path_ops);

-- CreateIndex
CREATE INDEX "vdag_controllers_vdag_uri_idx" ON "vdag_controllers"("vdag_uri");

-- CreateIndex
CREATE INDEX "vdag_controllers_cluster_id_idx" ON "vdag_controllers"("cluster_id");

-- CreateIndex
CREATE INDEX "vdag_controllers_doc_idx" ON "vdag_controllers" USING GIN ("doc" jsonb_path_ops);

-- CreateIndex
CREATE INDEX "tasks_status_created_at_idx" ON "tasks"("status", "created_at");

-- CreateIndex
CREATE INDEX "tasks_kind_created_at_idx" ON "tasks"("kind", "created_at");

-- CreateIndex
CREATE INDEX "tasks_target_type_target_id_idx" ON "tasks"("target_type", "target_id");

-- CreateIndex
CREATE INDEX "metric_samples_entity_type_entity_id_name_ts_idx" ON "metric_samples"("entity_type", "entity_id", "name", "ts");

-- CreateIndex
CREATE INDEX "metric_samples_ts_idx" ON "metric_samples"("ts");

-- CreateIndex
CREATE INDEX "audit_events_created_at_idx" ON "audit_events"("created_at");

-- CreateIndex
CREATE INDEX "audit_events_actor_created_at_idx" ON "audit_events"("actor", "created_at");

-- CreateIndex
CREATE INDEX "audit_events_target_created_at_idx" ON "audit_events"("target", "created_at");

-- CreateIndex
CREATE UNIQUE INDEX "api_tokens_token_hash_key" ON "api_tokens"("token_hash");

-- AddForeignKey
ALTER TABLE "nodes" ADD CONSTRAINT "nodes_cluster_id_fkey" FOREIGN KEY ("cluster_id") REFERENCES "clusters"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "gpus" ADD CONSTRAINT "gpus_node_id_fkey" FOREIGN KEY ("node_id") REFERENCES "nodes"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "blocks" ADD CONSTRAINT "blocks_component_uri_fkey" FOREIGN KEY ("component_uri") REFERENCES "components"("component_uri") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "blocks" ADD CONSTRAINT "blocks_cluster_id_fkey" FOREIGN KEY ("cluster_id") REFERENCES "clusters"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "instances" ADD CONSTRAINT "instances_block_id_fkey" FOREIGN KEY ("block_id") REFERENCES "blocks"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "instances" ADD CONSTRAINT "instances_node_id_fkey" FOREIGN KEY ("node_id") REFERENCES "nodes"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "policy_versions" ADD CONSTRAINT "policy_versions_policy_rule_uri_fkey" FOREIGN KEY ("policy_rule_uri") REFERENCES "policies"("policy_rule_uri") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "policy_functions" ADD CONSTRAINT "policy_functions_cluster_id_fkey" FOREIGN KEY ("cluster_id") REFERENCES "clusters"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "policy_jobs" ADD CONSTRAINT "policy_jobs_cluster_id_fkey" FOREIGN KEY ("cluster_id") REFERENCES "clusters"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "vdag_controllers" ADD CONSTRAINT "vdag_controllers_vdag_uri_fkey" FOREIGN KEY ("vdag_uri") REFERENCES "vdags"("vdag_uri") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "vdag_controllers" ADD CONSTRAINT "vdag_controllers_cluster_id_fkey" FOREIGN KEY ("cluster_id") REFERENCES "clusters"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- Hand-written (Prisma does not model triggers, so this causes no schema drift):
-- policy versions are append-only. Deleting them (policy deletion cascades) stays allowed.
CREATE FUNCTION "policy_versions_immutable"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'policy_versions rows are immutable (policy %, revision %)', OLD.policy_rule_uri, OLD.revision;
END;
$$;

CREATE TRIGGER "policy_versions_no_update" BEFORE UPDATE ON "policy_versions"
  FOR EACH ROW EXECUTE FUNCTION "policy_versions_immutable"();
