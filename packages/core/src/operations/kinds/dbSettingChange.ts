import type { CloudPort } from "../../cloud/cloudPort.ts";
import type { DbInstanceState } from "../../cloud/cloudTypes.ts";
import type { DatabaseSpec, Resource } from "../../inventory/types.ts";
import type { PlanCheck, StepOutcome } from "../operationTypes.ts";
import { databaseSpecOf, describeDbInstance } from "./dbInstanceLookup.ts";

/** A setting of an RDS instance that one ModifyDBInstance changes and the inventory records. */
export type DbSetting = "multiAz" | "backupRetentionDays";

/** The one setting an operation changes, the value it wants, and how the change is applied. */
export interface DbSettingChange<V extends boolean | number> {
  kind: string;
  setting: DbSetting & keyof DbInstanceState;
  wanted: V;
  applyImmediately: boolean;
}

/** Conversions and restarts take minutes; a half-minute re-check shows the end soon enough. */
const RECHECK_MS = 30_000;

const describe = (value: unknown) => (typeof value === "boolean" ? (value ? "on" : "off") : String(value));

/** The plan's check of the instance's status: not refused, the change starts once it is available. */
export function availableCheck(instance: DbInstanceState): PlanCheck {
  const available = instance.status === "available";
  return {
    name: "available",
    passed: available,
    detail: available ? "available" : `${instance.status}; the change is asked for once the current one finishes`,
  };
}

/** The plan's word on when the change applies. */
export function timingCheck(applyImmediately: boolean, immediateAnyway = false): PlanCheck {
  return {
    name: "applied",
    passed: true,
    detail:
      applyImmediately || immediateAnyway
        ? "immediately"
        : "in the next maintenance window; the operation succeeds once RDS shows the change as pending",
  };
}

/** The inventory's database record with the instance's settings as the cloud now reports them. */
function updatedSpec(current: DatabaseSpec | null, instance: DbInstanceState): DatabaseSpec {
  const { multiAz, backupRetentionDays, earliestRestorableTime, latestRestorableTime } = databaseSpecOf(instance);
  return {
    ...(current ?? databaseSpecOf(instance)),
    multiAz,
    backupRetentionDays,
    earliestRestorableTime,
    latestRestorableTime,
  };
}

/**
 * The steps of an operation that changes one setting with ModifyDBInstance:
 * `act` looks at the cloud first (already there, or already pending: no second
 * call), `wait` until the instance is available with the setting (or, held for
 * the maintenance window, shown as pending), `verify` and record it.
 */
export async function stepDbSettingChange<V extends boolean | number>(
  change: DbSettingChange<V>,
  context: { step: string; target: Resource; cloud: CloudPort },
): Promise<StepOutcome<Record<string, never>>> {
  const { step, target, cloud } = context;
  const { setting, wanted, applyImmediately } = change;
  const instance = await describeDbInstance(cloud, target.cloudId);
  const current = instance[setting];
  const pending = instance.pendingModifiedValues?.[setting];
  const inPlace = current === wanted;
  const asked = pending === wanted;
  const seen = { status: instance.status, [setting]: current, pending: pending ?? null };
  switch (step) {
    case "act": {
      if (inPlace) return { type: "advance", step: "verify", message: `${setting} is already ${describe(wanted)}` };
      if (asked) {
        return { type: "advance", step: "wait", message: `${setting} ${describe(wanted)} is already pending` };
      }
      if (instance.status !== "available") {
        // A change under way (perhaps our own, asked before a crash): RDS refuses a new one until it ends.
        return {
          type: "wait",
          recheckAfterMs: RECHECK_MS,
          message: `${instance.identifier} is ${instance.status}; asking once it is available`,
          data: seen,
        };
      }
      await cloud.databases.modifyInstance(instance.identifier, { [setting]: wanted }, { applyImmediately });
      return {
        type: "advance",
        step: "wait",
        message: `asked RDS to set ${setting} of ${instance.identifier} to ${describe(wanted)}${applyImmediately ? "" : " in the maintenance window"}`,
      };
    }
    case "wait": {
      if ((inPlace && instance.status === "available") || (asked && !applyImmediately)) {
        return { type: "advance", step: "verify", message: `${instance.identifier} is ${instance.status}` };
      }
      return {
        type: "wait",
        recheckAfterMs: RECHECK_MS,
        message: `${instance.identifier} is ${instance.status} with ${setting} ${describe(current)}${pending === undefined ? "" : ` (${describe(pending)} pending)`}`,
        data: seen,
      };
    }
    case "verify": {
      if (inPlace) {
        return {
          type: "succeeded",
          message: `${instance.identifier} has ${setting} ${describe(wanted)}`,
          result: { identifier: instance.identifier, [setting]: current, status: instance.status },
          inventory: {
            updates: [{ resourceId: target.id, changes: { database: updatedSpec(target.database, instance) } }],
            creates: [],
          },
        };
      }
      if (asked && !applyImmediately) {
        return {
          type: "succeeded",
          message: `${setting} ${describe(wanted)} is pending on ${instance.identifier}; RDS applies it in the next maintenance window`,
          result: {
            identifier: instance.identifier,
            [setting]: current,
            pending: wanted,
            appliesIn: "maintenance_window",
          },
        };
      }
      return {
        type: "failed",
        code: "not_verified",
        message: `${instance.identifier} has ${setting} ${describe(current)}, not ${describe(wanted)}`,
        result: seen,
      };
    }
    default:
      return { type: "failed", code: "unknown_step", message: `${change.kind} has no step ${step}` };
  }
}
