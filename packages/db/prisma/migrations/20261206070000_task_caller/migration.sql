-- Async vDAG tasks: who asked (`token:<id>` or `address:<ip>`), kept with the task so a request
-- queued again after a restart is counted against the same caller by the controller's quota.
ALTER TABLE "tasks" ADD COLUMN "caller" TEXT;
