import {
  assessDrReadiness,
  type CloudPort,
  DRILL_SCRATCH_TAG,
  type DrDrillStore,
  type InventoryStore,
  NotFoundError,
  readReplicaLag,
  ValidationError,
  withDrillEvidence,
} from "@fastier/core";
import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { Type } from "typebox";
import { IdParams } from "../schemas/common.ts";
import { problemResponses } from "../schemas/problem.ts";

export interface DisasterRecoveryRoutesOptions {
  inventory: InventoryStore;
  drills: DrDrillStore;
  cloud: CloudPort;
  now: () => Date;
}

export const disasterRecoveryRoutes: FastifyPluginAsyncTypebox<DisasterRecoveryRoutesOptions> = async (app, deps) => {
  app.get(
    "/v1/environments/:id/dr-readiness",
    {
      schema: {
        tags: ["operations"],
        operationId: "getDrReadiness",
        summary: "Disaster-recovery readiness of an environment's databases",
        description:
          "Per primary: Multi-AZ, backup retention, replicas and their current lag (CloudWatch ReplicaLag), latest " +
          "restorable time → estimated RPO, estimated RTO for promoting a replica vs restoring to a point in " +
          "time, and the gaps. From the inventory (sync first for current values) and the cloud's metrics. Beside " +
          "the estimates, the evidence: the last DR drill's measured RTO and achieved RPO, and whether the " +
          "environment's objectives are met by a successful drill within the drill schedule's period.",
        params: IdParams,
        response: { 200: Type.Ref("DrReadinessReport"), ...problemResponses(400, 404) },
      },
    },
    async (request) => {
      const environment = await deps.inventory.getEnvironment(request.params.id);
      if (!environment) throw new NotFoundError("environment", request.params.id);
      const { items: listed } = await deps.inventory.listResources({
        environmentId: environment.id,
        kind: "db_instance",
        sort: "name",
        limit: 200,
      });
      // A drill's scratch instance is a copy on its way out, not a database to recover.
      const databases = listed.filter((db) => db.tags[DRILL_SCRATCH_TAG] === undefined);
      const now = deps.now();
      const replicas = databases.filter((db) => db.database?.role === "replica" && db.status !== "gone");
      const lags = await Promise.all(replicas.map((db) => readReplicaLag(deps.cloud, db.cloudId, now)));
      const replicaLagSeconds = Object.fromEntries(
        replicas.map((db, index) => [db.cloudId, lags[index]?.latestSeconds ?? null]),
      );
      const report = assessDrReadiness({ environmentName: environment.name, databases, replicaLagSeconds, now });
      const [drills, objectives, schedule] = await Promise.all([
        deps.drills.latest(report.databases.map((database) => database.resourceId)),
        deps.drills.getObjectives(environment.id),
        deps.drills.getSchedule(environment.id),
      ]);
      return withDrillEvidence(report, { drills, objectives, periodDays: schedule.everyDays, now });
    },
  );

  app.get(
    "/v1/resources/:id/snapshots",
    {
      schema: {
        tags: ["operations"],
        operationId: "listSnapshots",
        summary: "Snapshots of an RDS instance, manual and automated",
        params: IdParams,
        response: {
          200: Type.Object({ items: Type.Array(Type.Ref("DbSnapshot")) }),
          ...problemResponses(400, 404, 503),
        },
      },
    },
    async (request) => {
      const resource = await deps.inventory.getResource(request.params.id);
      if (!resource) throw new NotFoundError("resource", request.params.id);
      if (resource.kind !== "db_instance") {
        throw new ValidationError(
          [
            {
              field: "/id",
              rule: "target_kind",
              message: `snapshots belong to DB instances, not to a ${resource.kind}`,
              in: "params",
            },
          ],
          "wrong_target_kind",
        );
      }
      const snapshots = await deps.cloud.databases.describeSnapshots({ instanceIdentifier: resource.cloudId });
      return { items: snapshots.sort((a, b) => (b.createdAt?.getTime() ?? 0) - (a.createdAt?.getTime() ?? 0)) };
    },
  );
};
