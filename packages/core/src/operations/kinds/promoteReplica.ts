import { type Static, Type } from "typebox";
import type { DbInstanceState } from "../../cloud/cloudTypes.ts";
import { type ReplicaLagReading, readReplicaLag } from "../../dr/replicaLag.ts";
import { ConflictError, ValidationError } from "../../errors.ts";
import type { DatabaseSpec } from "../../inventory/types.ts";
import { defineOperation } from "../defineOperation.ts";
import type { PlanCheck } from "../operationTypes.ts";
import { databaseSpecOf, describeDbInstance, roleOfInstance } from "./dbInstanceLookup.ts";

const PromoteReplicaBody = Type.Object(
  {
    /** Must repeat the replica's identifier: promotion cannot be undone. */
    confirm: Type.String({ minLength: 1, maxLength: 63, description: "The replica's identifier, typed again" }),
    /** Promote even when the replica lags more than `maxLagSeconds`. */
    force: Type.Optional(Type.Boolean()),
    maxLagSeconds: Type.Optional(Type.Integer({ format: "int32", minimum: 0, maximum: 86_400 })),
  },
  { additionalProperties: false },
);
export type PromoteReplicaParams = Static<typeof PromoteReplicaBody>;

/** The replica's source, saved by `act` for the result: once promoted, the instance no longer names it. */
const PromoteReplicaState = Type.Object({
  // An identifier, or an ARN (up to about 110 characters) for a cross-region replica's source.
  formerSourceDbIdentifier: Type.Optional(Type.String({ minLength: 1, maxLength: 256 })),
});

export const DEFAULT_MAX_REPLICA_LAG_SECONDS = 60;
/** RDS promotes a PostgreSQL replica in a few minutes; re-checking every half minute is plenty. */
const RECHECK_MS = 30_000;

function lagCheck(lag: ReplicaLagReading, threshold: number, forced: boolean): PlanCheck {
  if (lag.latestSeconds === null) {
    return { name: "replica lag", passed: false, detail: `no lag data (${lag.reason}); the lag is unknown` };
  }
  const within = lag.latestSeconds <= threshold;
  const overridden = within ? "" : forced ? "; over the threshold, promoting anyway because force is set" : "";
  return {
    name: "replica lag",
    passed: within,
    detail: `${lag.latestSeconds} s now (peak ${lag.peakSeconds} s in the last 10 minutes), threshold ${threshold} s${overridden}`,
  };
}

/**
 * The inventory's database record after promotion. Only replication changes:
 * the source's replica list is not kept in the inventory, and the rest
 * (backup retention, restorable times) is left to the next sync.
 */
function promotedSpec(current: DatabaseSpec | null, instance: DbInstanceState): DatabaseSpec {
  return { ...(current ?? databaseSpecOf(instance)), role: "standalone", sourceDbIdentifier: null };
}

/**
 * Promote an RDS read replica to a standalone instance that accepts writes:
 * the disaster-recovery path when the primary is lost. Checked first: the
 * target is a replica, the caller typed its identifier, and its replica lag
 * (what promotion would lose) is within the threshold.
 */
export const promoteReplica = defineOperation({
  kind: "promote_replica",
  targetKinds: ["db_instance"],
  minRole: "admin",
  path: "promote",
  summary: "Promote an RDS read replica to a standalone instance (cannot be undone)",
  description:
    "Admin only. `confirm` must equal the replica's identifier. Refused for a non-replica, and when the " +
    "replica lags more than `maxLagSeconds` (default 60) unless `force: true`; the plan reports the lag.",
  body: PromoteReplicaBody,
  state: PromoteReplicaState,
  // A promotion with its reboot takes minutes, but it starts only once the replica is available: a
  // modification or backup already under way comes first.
  defaultTimeoutMinutes: 60,
  firstStep: "act",

  async plan({ target, params, cloud, now }) {
    const instance = await describeDbInstance(cloud, target.cloudId);
    const role = roleOfInstance(instance);
    const source = instance.readReplicaSourceIdentifier;
    if (source === null) {
      const replicas = instance.readReplicaIdentifiers;
      throw new ConflictError(
        "not_a_replica",
        `${instance.identifier} is a ${role} instance${replicas.length > 0 ? ` (source of ${replicas.join(", ")})` : ""}, not a read replica; only a read replica can be promoted`,
        { role, replicas },
      );
    }
    if (params.confirm !== instance.identifier) {
      throw new ValidationError(
        [
          {
            field: "/confirm",
            rule: "confirm",
            message: `must be the replica's identifier, ${instance.identifier}, to confirm a promotion that cannot be undone`,
          },
        ],
        "confirmation_required",
      );
    }
    const threshold = params.maxLagSeconds ?? DEFAULT_MAX_REPLICA_LAG_SECONDS;
    const forced = params.force === true;
    const lag = await readReplicaLag(cloud, instance.identifier, now);
    if (lag.latestSeconds !== null && lag.latestSeconds > threshold && !forced) {
      throw new ConflictError(
        "replica_lag_too_high",
        `${instance.identifier} lags ${lag.latestSeconds} s behind ${source}, over the ${threshold} s threshold; writes from that window would be lost. Wait for it to catch up, or set force to promote anyway`,
        { lagSeconds: lag.latestSeconds, peakLagSeconds: lag.peakSeconds, threshold },
      );
    }
    return {
      summary: `promote ${instance.identifier} to a standalone instance; it stops replicating ${source} and accepts writes. Promotion cannot be undone`,
      changes: [
        { field: "role", from: "replica", to: "standalone" },
        { field: "sourceDbIdentifier", from: source, to: null },
      ],
      checks: [
        { name: "is a read replica", passed: true, detail: `replicates ${source}` },
        { name: "confirmed", passed: true, detail: `confirm matches ${instance.identifier}` },
        lagCheck(lag, threshold, forced),
        {
          name: "available",
          passed: instance.status === "available",
          detail:
            instance.status === "available"
              ? "available"
              : `${instance.status}; promotion starts once the current change finishes`,
        },
        { name: "irreversible", passed: true, detail: "a promoted replica cannot become a replica again" },
      ],
    };
  },

  async step({ operation, target, cloud }) {
    const instance = await describeDbInstance(cloud, target.cloudId);
    const source = instance.readReplicaSourceIdentifier;
    switch (operation.step) {
      case "act": {
        // Check before acting: after a crash the promotion may already be done or under way.
        if (source === null) {
          return { type: "advance", step: "wait", message: `${instance.identifier} is already standalone` };
        }
        if (instance.status !== "available") {
          // Either our own promotion from before a crash or another change; both end in "available", then we know.
          return {
            type: "wait",
            recheckAfterMs: RECHECK_MS,
            message: `${instance.identifier} is ${instance.status}; promoting once it is available`,
            data: { status: instance.status },
          };
        }
        await cloud.databases.promoteReadReplica(instance.identifier);
        return {
          type: "advance",
          step: "wait",
          message: `asked to promote ${instance.identifier}, replica of ${source}`,
          state: { formerSourceDbIdentifier: source },
        };
      }
      case "wait": {
        if (instance.status !== "available" || source !== null) {
          return {
            type: "wait",
            recheckAfterMs: RECHECK_MS,
            message: `${instance.identifier} is ${instance.status}${source ? `, still replicating ${source}` : ""}`,
            data: { status: instance.status, sourceDbIdentifier: source },
          };
        }
        return { type: "advance", step: "verify", message: `${instance.identifier} is available and standalone` };
      }
      case "verify": {
        if (source !== null) {
          return {
            type: "failed",
            code: "not_verified",
            message: `${instance.identifier} still replicates ${source}; the promotion did not take effect`,
          };
        }
        return {
          type: "succeeded",
          message: `${instance.identifier} is a standalone instance and accepts writes`,
          result: {
            identifier: instance.identifier,
            formerSourceDbIdentifier:
              operation.state.formerSourceDbIdentifier ?? target.database?.sourceDbIdentifier ?? null,
            status: instance.status,
            backupRetentionDays: instance.backupRetentionDays,
          },
          inventory: {
            updates: [{ resourceId: target.id, changes: { database: promotedSpec(target.database, instance) } }],
            creates: [],
          },
        };
      }
      default:
        return { type: "failed", code: "unknown_step", message: `promote_replica has no step ${operation.step}` };
    }
  },

  // Once the promotion is asked for it cannot be stopped.
  cancellableIn: (step) => step === "act",
});
