-- AlterEnum
-- This migration adds more than one value to an enum.
-- With PostgreSQL versions 11 and earlier, this is not possible
-- in a single migration. This can be worked around by creating
-- multiple migrations, each migration adding only one value to
-- the enum.


ALTER TYPE "OperationStatus" ADD VALUE 'AWAITING_APPROVAL';
ALTER TYPE "OperationStatus" ADD VALUE 'REJECTED';
ALTER TYPE "OperationStatus" ADD VALUE 'EXPIRED';

-- AlterTable
ALTER TABLE "operations" ADD COLUMN     "approval_expires_at" TIMESTAMPTZ(3),
ADD COLUMN     "decided_at" TIMESTAMPTZ(3),
ADD COLUMN     "decided_by_key_id" UUID,
ADD COLUMN     "decided_by_name" VARCHAR(100),
ADD COLUMN     "decision_reason" VARCHAR(500);

-- CreateTable
CREATE TABLE "approval_policies" (
    "environment_id" UUID NOT NULL,
    "kinds" "OperationKind"[],
    "expires_after_minutes" INTEGER NOT NULL DEFAULT 1440,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_by_name" VARCHAR(100) NOT NULL,

    CONSTRAINT "approval_policies_pkey" PRIMARY KEY ("environment_id")
);

-- AddForeignKey
ALTER TABLE "approval_policies" ADD CONSTRAINT "approval_policies_environment_id_fkey" FOREIGN KEY ("environment_id") REFERENCES "environments"("id") ON DELETE CASCADE ON UPDATE CASCADE;

