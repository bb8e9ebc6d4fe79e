-- An operation awaiting approval holds its target's lock like a pending one (a separate migration:
-- PostgreSQL cannot use an enum value in the transaction that added it).
DROP INDEX "operations_one_active_per_target";
CREATE UNIQUE INDEX "operations_one_active_per_target" ON "operations"("target_resource_id")
  WHERE "status" IN ('PENDING', 'RUNNING', 'AWAITING_APPROVAL') AND "kind" <> 'STOP_DEPLOYMENT';
