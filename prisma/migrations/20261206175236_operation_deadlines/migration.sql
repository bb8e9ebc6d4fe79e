-- Every operation ends by a deadline; operations recorded before deadlines existed get a day from their creation.
ALTER TABLE "operations" ADD COLUMN     "deadline_at" TIMESTAMPTZ(3),
ADD COLUMN     "lost_leases" INTEGER NOT NULL DEFAULT 0;
UPDATE "operations" SET "deadline_at" = "created_at" + INTERVAL '24 hours';
ALTER TABLE "operations" ALTER COLUMN "deadline_at" SET NOT NULL;
