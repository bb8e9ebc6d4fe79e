-- Rolling an environment back during a blue/green drain swaps the CNAMEs back while the deploy
-- still holds the environment's lock (the deploy then terminates green), so a rollback neither
-- takes nor waits for the general lock; two rollbacks of one environment still exclude each
-- other. A separate migration: PostgreSQL cannot use an enum value in the transaction that added it.
DROP INDEX "operations_one_active_per_target";
CREATE UNIQUE INDEX "operations_one_active_per_target" ON "operations"("target_resource_id")
  WHERE "status" IN ('PENDING', 'RUNNING', 'AWAITING_APPROVAL') AND "kind" NOT IN ('STOP_DEPLOYMENT', 'ROLLBACK_ENVIRONMENT');
CREATE UNIQUE INDEX "operations_one_active_rollback_per_target" ON "operations"("target_resource_id")
  WHERE "status" IN ('PENDING', 'RUNNING', 'AWAITING_APPROVAL') AND "kind" = 'ROLLBACK_ENVIRONMENT';
