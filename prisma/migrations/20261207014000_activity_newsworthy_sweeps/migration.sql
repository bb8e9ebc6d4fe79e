-- The activity feed reads the newest sweeps that opened or resolved findings or went wrong. Most sweeps
-- do neither, so an index of those alone keeps that read to a page of index entries however many quiet
-- sweeps the table holds. Prisma's schema language cannot express a partial index: written by hand.
-- The predicate is the feed's own (packages/db/src/stores/activityQuery.ts), so the planner can use it.
CREATE INDEX "health_sweeps_newsworthy_finished_at" ON "health_sweeps"("finished_at")
  WHERE "findings_opened" > 0 OR "findings_resolved" > 0 OR "status" IN ('FAILED', 'PARTIAL');
