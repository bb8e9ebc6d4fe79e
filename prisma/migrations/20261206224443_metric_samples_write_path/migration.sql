-- DropForeignKey
ALTER TABLE "metric_samples" DROP CONSTRAINT "metric_samples_resource_id_fkey";

-- DropIndex
DROP INDEX "metric_samples_timestamp_idx";

-- CreateIndex
CREATE INDEX "metric_samples_timestamp_idx" ON "metric_samples" USING BRIN ("timestamp");

