-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- CreateEnum
CREATE TYPE "ResourceKind" AS ENUM ('AUTO_SCALING_GROUP', 'INSTANCE', 'LOAD_BALANCER', 'DB_INSTANCE', 'PIPELINE', 'S3_BUCKET', 'DNS_RECORD', 'BEANSTALK_ENVIRONMENT');

-- CreateEnum
CREATE TYPE "ResourceStatus" AS ENUM ('PENDING', 'ACTIVE', 'MODIFYING', 'DEGRADED', 'FAILED', 'GONE');

-- CreateEnum
CREATE TYPE "DbRole" AS ENUM ('PRIMARY', 'REPLICA', 'STANDALONE');

-- CreateEnum
CREATE TYPE "ApiKeyRole" AS ENUM ('VIEWER', 'OPERATOR', 'ADMIN');

-- CreateTable
CREATE TABLE "environments" (
    "id" UUID NOT NULL,
    "name" VARCHAR(63) NOT NULL,
    "description" VARCHAR(1000) NOT NULL DEFAULT '',
    "region" VARCHAR(32) NOT NULL,
    "account_id" VARCHAR(12),
    "tags" JSONB NOT NULL DEFAULT '{}',
    "version" INTEGER NOT NULL DEFAULT 1,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "environments_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "resources" (
    "id" UUID NOT NULL,
    "environment_id" UUID NOT NULL,
    "kind" "ResourceKind" NOT NULL,
    "name" VARCHAR(255) NOT NULL,
    "cloud_id" VARCHAR(2048) NOT NULL,
    "status" "ResourceStatus" NOT NULL DEFAULT 'ACTIVE',
    "region" VARCHAR(32),
    "availability_zones" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "tags" JSONB NOT NULL DEFAULT '{}',
    "attributes" JSONB NOT NULL DEFAULT '{}',
    "instance_type" VARCHAR(64),
    "min_size" INTEGER,
    "max_size" INTEGER,
    "desired_capacity" INTEGER,
    "parent_id" UUID,
    "db_role" "DbRole",
    "db_engine" VARCHAR(32),
    "db_engine_version" VARCHAR(32),
    "source_db_identifier" VARCHAR(255),
    "multi_az" BOOLEAN,
    "backup_retention_days" INTEGER,
    "earliest_restorable_time" TIMESTAMPTZ(3),
    "latest_restorable_time" TIMESTAMPTZ(3),
    "pipeline_stages" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "version" INTEGER NOT NULL DEFAULT 1,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "resources_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "api_keys" (
    "id" UUID NOT NULL,
    "name" VARCHAR(100) NOT NULL,
    "role" "ApiKeyRole" NOT NULL,
    "prefix" VARCHAR(16) NOT NULL,
    "hash" CHAR(64) NOT NULL,
    "created_by" VARCHAR(100),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "last_used_at" TIMESTAMPTZ(3),
    "revoked_at" TIMESTAMPTZ(3),

    CONSTRAINT "api_keys_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "audit_events" (
    "id" BIGSERIAL NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "actor_key_id" UUID,
    "actor_name" VARCHAR(100) NOT NULL,
    "action" VARCHAR(64) NOT NULL,
    "target_type" VARCHAR(32) NOT NULL,
    "target_id" VARCHAR(64) NOT NULL,
    "before" JSONB,
    "after" JSONB,
    "request_id" VARCHAR(128),

    CONSTRAINT "audit_events_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "environments_name_key" ON "environments"("name");

-- CreateIndex
CREATE INDEX "resources_environment_id_kind_name_id_idx" ON "resources"("environment_id", "kind", "name", "id");

-- CreateIndex
CREATE INDEX "resources_kind_name_id_idx" ON "resources"("kind", "name", "id");

-- CreateIndex
CREATE INDEX "resources_name_id_idx" ON "resources"("name", "id");

-- CreateIndex
CREATE INDEX "resources_created_at_id_idx" ON "resources"("created_at", "id");

-- CreateIndex
CREATE INDEX "resources_updated_at_id_idx" ON "resources"("updated_at", "id");

-- CreateIndex
CREATE UNIQUE INDEX "resources_environment_id_kind_cloud_id_key" ON "resources"("environment_id", "kind", "cloud_id");

-- CreateIndex
CREATE UNIQUE INDEX "api_keys_hash_key" ON "api_keys"("hash");

-- CreateIndex
CREATE INDEX "audit_events_at_id_idx" ON "audit_events"("at", "id");

-- CreateIndex
CREATE INDEX "audit_events_target_type_target_id_at_idx" ON "audit_events"("target_type", "target_id", "at");

-- CreateIndex
CREATE INDEX "audit_events_actor_key_id_at_idx" ON "audit_events"("actor_key_id", "at");

-- AddForeignKey
ALTER TABLE "resources" ADD CONSTRAINT "resources_environment_id_fkey" FOREIGN KEY ("environment_id") REFERENCES "environments"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "resources" ADD CONSTRAINT "resources_parent_id_fkey" FOREIGN KEY ("parent_id") REFERENCES "resources"("id") ON DELETE SET NULL ON UPDATE CASCADE;


-- Audit events are append-only: the database itself refuses to change or remove one.
CREATE FUNCTION "audit_events_append_only"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit_events is append-only (% refused)', TG_OP USING ERRCODE = 'insufficient_privilege';
END;
$$;

CREATE TRIGGER "audit_events_no_update_or_delete"
  BEFORE UPDATE OR DELETE ON "audit_events"
  FOR EACH ROW EXECUTE FUNCTION "audit_events_append_only"();

CREATE TRIGGER "audit_events_no_truncate"
  BEFORE TRUNCATE ON "audit_events"
  FOR EACH STATEMENT EXECUTE FUNCTION "audit_events_append_only"();
