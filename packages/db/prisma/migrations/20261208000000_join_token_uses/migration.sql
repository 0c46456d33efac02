-- A join token may let several nodes' agents join (a Kubernetes cluster's DaemonSet of agents):
-- how many more may. A token of any other role keeps the default and never reads it.
ALTER TABLE "api_tokens" ADD COLUMN "uses_left" INTEGER NOT NULL DEFAULT 1;
