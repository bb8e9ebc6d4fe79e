-- CreateEnum
CREATE TYPE "sweep_status" AS ENUM ('RUNNING', 'SUCCEEDED', 'PARTIAL', 'FAILED', 'INTERRUPTED');

-- CreateEnum
CREATE TYPE "finding_severity" AS ENUM ('INFO', 'WARNING', 'CRITICAL');

-- CreateEnum
CREATE TYPE "finding_status" AS ENUM ('OPEN', 'RESOLVED');

-- CreateEnum
CREATE TYPE "recommendation_status" AS ENUM ('OPEN', 'APPLIED', 'DISMISSED', 'SUPERSEDED');

-- CreateTable
CREATE TABLE "health_sweeps" (
    "id" UUID NOT NULL,
    "trigger" VARCHAR(32) NOT NULL,
    "status" "sweep_status" NOT NULL DEFAULT 'RUNNING',
    "started_at" TIMESTAMPTZ(3) NOT NULL,
    "finished_at" TIMESTAMPTZ(3),
    "window_start" TIMESTAMPTZ(3) NOT NULL,
    "window_end" TIMESTAMPTZ(3) NOT NULL,
    "resources" INTEGER NOT NULL DEFAULT 0,
    "metric_queries" INTEGER NOT NULL DEFAULT 0,
    "datapoints" INTEGER NOT NULL DEFAULT 0,
    "samples_written" INTEGER NOT NULL DEFAULT 0,
    "cloud_calls" INTEGER NOT NULL DEFAULT 0,
    "findings_opened" INTEGER NOT NULL DEFAULT 0,
    "findings_updated" INTEGER NOT NULL DEFAULT 0,
    "findings_resolved" INTEGER NOT NULL DEFAULT 0,
    "recommendations_created" INTEGER NOT NULL DEFAULT 0,
    "recommendations_closed" INTEGER NOT NULL DEFAULT 0,
    "samples_pruned" INTEGER NOT NULL DEFAULT 0,
    "cloud_ms" INTEGER NOT NULL DEFAULT 0,
    "database_ms" INTEGER NOT NULL DEFAULT 0,
    "errors" JSONB NOT NULL DEFAULT '[]',
    "error" VARCHAR(2000),

    CONSTRAINT "health_sweeps_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "metric_samples" (
    "resource_id" UUID NOT NULL,
    "metric" VARCHAR(64) NOT NULL,
    "stat" VARCHAR(16) NOT NULL,
    "period" INTEGER NOT NULL,
    "timestamp" TIMESTAMPTZ(3) NOT NULL,
    "value" DOUBLE PRECISION NOT NULL,

    CONSTRAINT "metric_samples_pkey" PRIMARY KEY ("resource_id","metric","stat","period","timestamp")
);

-- CreateTable
CREATE TABLE "findings" (
    "id" UUID NOT NULL,
    "environment_id" UUID NOT NULL,
    "resource_id" UUID NOT NULL,
    "rule_id" VARCHAR(40) NOT NULL,
    "severity" "finding_severity" NOT NULL,
    "status" "finding_status" NOT NULL DEFAULT 'OPEN',
    "summary" VARCHAR(2000) NOT NULL,
    "evidence" JSONB NOT NULL DEFAULT '[]',
    "opened_at" TIMESTAMPTZ(3) NOT NULL,
    "last_seen_at" TIMESTAMPTZ(3) NOT NULL,
    "resolved_at" TIMESTAMPTZ(3),
    "resolution" VARCHAR(2000),
    "opened_by_sweep_id" UUID,
    "last_sweep_id" UUID,

    CONSTRAINT "findings_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "recommendations" (
    "id" UUID NOT NULL,
    "environment_id" UUID NOT NULL,
    "resource_id" UUID NOT NULL,
    "finding_id" UUID NOT NULL,
    "rule_id" VARCHAR(40) NOT NULL,
    "kind" VARCHAR(40) NOT NULL,
    "status" "recommendation_status" NOT NULL DEFAULT 'OPEN',
    "title" VARCHAR(500) NOT NULL,
    "rationale" VARCHAR(4000) NOT NULL,
    "proposal" JSONB NOT NULL,
    "monthly_cost_delta_usd" DOUBLE PRECISION,
    "options" JSONB NOT NULL DEFAULT '[]',
    "apply" JSONB,
    "created_at" TIMESTAMPTZ(3) NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,
    "closed_at" TIMESTAMPTZ(3),
    "close_reason" VARCHAR(40),
    "replaced_by_id" UUID,
    "applied_operation_id" UUID,
    "applied_at" TIMESTAMPTZ(3),
    "applied_by" VARCHAR(100),
    "dismissed_at" TIMESTAMPTZ(3),
    "dismissed_by" VARCHAR(100),
    "dismiss_reason" VARCHAR(1000),

    CONSTRAINT "recommendations_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "health_sweeps_started_at_id_idx" ON "health_sweeps"("started_at", "id");

-- CreateIndex
CREATE INDEX "metric_samples_timestamp_idx" ON "metric_samples"("timestamp");

-- CreateIndex
CREATE INDEX "findings_status_opened_at_id_idx" ON "findings"("status", "opened_at", "id");

-- CreateIndex
CREATE INDEX "findings_resource_id_rule_id_idx" ON "findings"("resource_id", "rule_id");

-- CreateIndex
CREATE INDEX "findings_opened_at_id_idx" ON "findings"("opened_at", "id");

-- CreateIndex
CREATE INDEX "findings_resolved_at_idx" ON "findings"("resolved_at");

-- CreateIndex
CREATE INDEX "recommendations_status_created_at_id_idx" ON "recommendations"("status", "created_at", "id");

-- CreateIndex
CREATE INDEX "recommendations_finding_id_idx" ON "recommendations"("finding_id");

-- CreateIndex
CREATE INDEX "recommendations_resource_id_created_at_idx" ON "recommendations"("resource_id", "created_at");

-- CreateIndex
CREATE INDEX "sync_runs_finished_at_idx" ON "sync_runs"("finished_at");

-- CreateIndex
CREATE INDEX "operations_finished_at_idx" ON "operations"("finished_at");

-- AddForeignKey
ALTER TABLE "metric_samples" ADD CONSTRAINT "metric_samples_resource_id_fkey" FOREIGN KEY ("resource_id") REFERENCES "resources"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "findings" ADD CONSTRAINT "findings_environment_id_fkey" FOREIGN KEY ("environment_id") REFERENCES "environments"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "findings" ADD CONSTRAINT "findings_resource_id_fkey" FOREIGN KEY ("resource_id") REFERENCES "resources"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "recommendations" ADD CONSTRAINT "recommendations_finding_id_fkey" FOREIGN KEY ("finding_id") REFERENCES "findings"("id") ON DELETE CASCADE ON UPDATE CASCADE;


-- At most one open finding per resource and rule, enforced by the database so
-- that two sweeps racing (or a sweep redone after a crash) cannot open a second.
CREATE UNIQUE INDEX "findings_one_open_per_rule" ON "findings"("resource_id", "rule_id")
  WHERE "status" = 'OPEN';

-- At most one current recommendation of a kind per finding.
CREATE UNIQUE INDEX "recommendations_one_current_per_kind" ON "recommendations"("finding_id", "kind")
  WHERE "closed_at" IS NULL;
