-- AlterEnum
ALTER TYPE "OperationKind" ADD VALUE 'DR_DRILL';

-- CreateTable
CREATE TABLE "dr_drills" (
    "id" UUID NOT NULL,
    "operation_id" UUID NOT NULL,
    "environment_id" UUID NOT NULL,
    "source_resource_id" UUID NOT NULL,
    "source_identifier" VARCHAR(63) NOT NULL,
    "scratch_identifier" VARCHAR(63) NOT NULL,
    "point_in_time" VARCHAR(10) NOT NULL,
    "outcome" VARCHAR(20) NOT NULL,
    "error_code" VARCHAR(60),
    "message" VARCHAR(4000) NOT NULL,
    "requested_at" TIMESTAMPTZ(3) NOT NULL,
    "restored_point_at" TIMESTAMPTZ(3),
    "available_at" TIMESTAMPTZ(3),
    "deleted_at" TIMESTAMPTZ(3),
    "measured_rto_seconds" INTEGER,
    "achieved_rpo_seconds" INTEGER,
    "check_passed" BOOLEAN,
    "check_problems" JSONB NOT NULL DEFAULT '[]',
    "finished_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "dr_drills_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "dr_settings" (
    "environment_id" UUID NOT NULL,
    "drill_enabled" BOOLEAN NOT NULL DEFAULT false,
    "drill_every_days" INTEGER NOT NULL DEFAULT 30,
    "drill_point_in_time" VARCHAR(10) NOT NULL DEFAULT 'latest',
    "rto_objective_minutes" INTEGER,
    "rpo_objective_minutes" INTEGER,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_by_name" VARCHAR(100) NOT NULL,

    CONSTRAINT "dr_settings_pkey" PRIMARY KEY ("environment_id")
);

-- CreateIndex
CREATE UNIQUE INDEX "dr_drills_operation_id_key" ON "dr_drills"("operation_id");

-- CreateIndex
CREATE INDEX "dr_drills_source_resource_id_requested_at_id_idx" ON "dr_drills"("source_resource_id", "requested_at", "id");

-- CreateIndex
CREATE INDEX "dr_drills_environment_id_requested_at_idx" ON "dr_drills"("environment_id", "requested_at");

