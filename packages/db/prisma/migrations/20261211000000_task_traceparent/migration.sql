-- The W3C trace context of a vDAG task: its trace id is what a user looks up in their trace backend,
-- and an async task's worker continues the trace from it.
ALTER TABLE "tasks" ADD COLUMN "traceparent" TEXT;
