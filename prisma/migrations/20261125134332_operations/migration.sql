-- CreateEnum
CREATE TYPE "OperationKind" AS ENUM ('SCALE', 'START_DEPLOYMENT', 'STOP_DEPLOYMENT', 'ROLLBACK_STAGE', 'PROMOTE_REPLICA', 'RESTORE_POINT_IN_TIME', 'CREATE_SNAPSHOT');

-- CreateEnum
CREATE TYPE "OperationStatus" AS ENUM ('PENDING', 'RUNNING', 'SUCCEEDED', 'FAILED', 'CANCELLED');

-- CreateTable
CREATE TABLE "operations" (
    "id" UUID NOT NULL,
    "kind" "OperationKind" NOT NULL,
    "environment_id" UUID NOT NULL,
    "target_resource_id" UUID NOT NULL,
    "params" JSONB NOT NULL,
    "plan" JSONB NOT NULL,
    "status" "OperationStatus" NOT NULL DEFAULT 'PENDING',
    "step" VARCHAR(40) NOT NULL,
    "state" JSONB NOT NULL DEFAULT '{}',
    "requested_by_key_id" UUID,
    "requested_by_name" VARCHAR(100) NOT NULL,
    "idempotency_key" VARCHAR(200),
    "request_hash" CHAR(64) NOT NULL,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "cancel_requested" BOOLEAN NOT NULL DEFAULT false,
    "result" JSONB,
    "error" JSONB,
    "next_attempt_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lease_owner" VARCHAR(100),
    "lease_expires_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "started_at" TIMESTAMPTZ(3),
    "finished_at" TIMESTAMPTZ(3),
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "operations_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "operation_events" (
    "id" BIGSERIAL NOT NULL,
    "operation_id" UUID NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "type" VARCHAR(32) NOT NULL,
    "step" VARCHAR(40) NOT NULL,
    "message" VARCHAR(2000) NOT NULL,
    "data" JSONB,

    CONSTRAINT "operation_events_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "operations_status_next_attempt_at_idx" ON "operations"("status", "next_attempt_at");

-- CreateIndex
CREATE INDEX "operations_target_resource_id_created_at_idx" ON "operations"("target_resource_id", "created_at");

-- CreateIndex
CREATE INDEX "operations_created_at_id_idx" ON "operations"("created_at", "id");

-- CreateIndex
CREATE UNIQUE INDEX "operations_requested_by_key_id_idempotency_key_key" ON "operations"("requested_by_key_id", "idempotency_key");

-- CreateIndex
CREATE INDEX "operation_events_operation_id_id_idx" ON "operation_events"("operation_id", "id");

-- AddForeignKey
ALTER TABLE "operation_events" ADD CONSTRAINT "operation_events_operation_id_fkey" FOREIGN KEY ("operation_id") REFERENCES "operations"("id") ON DELETE RESTRICT ON UPDATE CASCADE;


-- At most one active operation per target, enforced by the database itself
-- (Prisma's schema language cannot express a partial index). Stopping a
-- deployment is exempt: it must be possible while the deployment runs.
CREATE UNIQUE INDEX "operations_one_active_per_target" ON "operations"("target_resource_id")
  WHERE "status" IN ('PENDING', 'RUNNING') AND "kind" <> 'STOP_DEPLOYMENT';

-- Operation history is append-only, like the audit trail.
CREATE FUNCTION "append_only"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION '% is append-only (% refused)', TG_TABLE_NAME, TG_OP USING ERRCODE = 'insufficient_privilege';
END;
$$;

CREATE TRIGGER "operation_events_no_update_or_delete"
  BEFORE UPDATE OR DELETE ON "operation_events"
  FOR EACH ROW EXECUTE FUNCTION "append_only"();
