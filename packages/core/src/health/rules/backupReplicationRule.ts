import { assessDrReadiness } from "../../dr/drReadiness.ts";
import type { Resource } from "../../inventory/types.ts";
import type { RuleEvaluation } from "./findingTypes.ts";

/**
 * A production primary (or standalone) database whose automated backups exist only in its
 * own region: DR readiness's `no_backup_replication` gap (information there), raised to a
 * warning finding, since losing the region would lose the business's data and the finding
 * carries the recommendation to replicate. Other databases get `clear`, so a finding
 * resolves when replication starts or the tag goes; one without details gets `unknown`.
 */
export function evaluateBackupReplication(input: { databases: Resource[]; now: Date }): RuleEvaluation[] {
  const report = assessDrReadiness({
    environmentName: "",
    databases: input.databases,
    replicaLagSeconds: {},
    now: input.now,
  });
  return report.databases.map((assessment): RuleEvaluation => {
    const base = { ruleId: "db_no_backup_replication" as const, resourceId: assessment.resourceId };
    const resource = input.databases.find((r) => r.id === assessment.resourceId);
    if (!resource?.database) {
      return { ...base, verdict: "unknown", evidence: [], summary: `${assessment.identifier}: no database details` };
    }
    const active = assessment.backupReplications.filter((r) => r.status === "pending" || r.status === "replicating");
    const evidence = [
      {
        metric: "BackupReplicationCount",
        unit: "Count" as const,
        timestamp: resource.lastSyncedAt ?? input.now,
        value: active.length,
      },
    ];
    const gap = assessment.gaps.find((g) => g.code === "no_backup_replication");
    if (gap) {
      return { ...base, verdict: "firing", severity: "warning", evidence, summary: gap.message };
    }
    const summary =
      active.length > 0
        ? `${assessment.identifier} replicates its automated backups to ${active.map((r) => r.destinationRegion).join(", ")}`
        : `${assessment.identifier} is not a production database with automated backups`;
    return { ...base, verdict: "clear", evidence, summary };
  });
}
