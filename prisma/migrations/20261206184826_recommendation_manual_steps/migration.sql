-- AlterTable
ALTER TABLE "recommendations" ADD COLUMN     "manual_steps" JSONB;

