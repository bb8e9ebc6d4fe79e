-- Samples are keyed by a series id and time instead of (resource, metric, stat, period, time).
-- Existing samples move over: each distinct series gets an id, and its samples are copied under it.

-- CreateTable
CREATE TABLE "metric_series" (
    "id" SERIAL NOT NULL,
    "resource_id" UUID NOT NULL,
    "metric" VARCHAR(64) NOT NULL,
    "stat" VARCHAR(16) NOT NULL,
    "period" INTEGER NOT NULL,

    CONSTRAINT "metric_series_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "metric_series_resource_id_metric_stat_period_key" ON "metric_series"("resource_id", "metric", "stat", "period");

-- Every series that has samples
INSERT INTO "metric_series" ("resource_id", "metric", "stat", "period")
SELECT DISTINCT "resource_id", "metric", "stat", "period" FROM "metric_samples"
 ORDER BY "resource_id", "metric", "stat", "period";

-- The old table steps aside with its constraint and index, so the new ones take the usual names
ALTER TABLE "metric_samples" RENAME TO "metric_samples_by_name";
ALTER TABLE "metric_samples_by_name" RENAME CONSTRAINT "metric_samples_pkey" TO "metric_samples_by_name_pkey";
ALTER INDEX "metric_samples_timestamp_idx" RENAME TO "metric_samples_by_name_timestamp_idx";

-- CreateTable
CREATE TABLE "metric_samples" (
    "series_id" INTEGER NOT NULL,
    "timestamp" TIMESTAMPTZ(3) NOT NULL,
    "value" DOUBLE PRECISION NOT NULL,

    CONSTRAINT "metric_samples_pkey" PRIMARY KEY ("series_id","timestamp")
);

-- Copy the samples over, in time order (what the BRIN index on time relies on)
INSERT INTO "metric_samples" ("series_id", "timestamp", "value")
SELECT s."id", o."timestamp", o."value"
  FROM "metric_samples_by_name" o
  JOIN "metric_series" s USING ("resource_id", "metric", "stat", "period")
 ORDER BY o."timestamp";

DROP TABLE "metric_samples_by_name";

-- CreateIndex
CREATE INDEX "metric_samples_timestamp_idx" ON "metric_samples" USING BRIN ("timestamp");
