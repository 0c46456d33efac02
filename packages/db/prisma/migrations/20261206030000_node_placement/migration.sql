-- Placement inside a cluster: the executor's node, the instances' data tokens for it, the cluster's duty lease.
ALTER TABLE "blocks" ADD COLUMN "executor_node_id" TEXT;

ALTER TABLE "instances" ADD COLUMN "data_token" TEXT;

ALTER TABLE "clusters" ADD COLUMN "duty_node_id" TEXT,
ADD COLUMN "duty_until" TIMESTAMPTZ(3);
