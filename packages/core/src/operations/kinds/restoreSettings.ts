import type { DbInstanceModification, DbInstanceState, RdsStorageType } from "../../cloud/cloudTypes.ts";
import { RDS_STORAGE_TYPES } from "../../cloud/cloudTypes.ts";
import type { PlanSetting } from "../operationTypes.ts";

/**
 * The settings a point-in-time restore copies from its source unless the request names them.
 * RDS itself would make a Single-AZ instance in the default VPC's subnet group, with the default
 * security group and parameter group: not a copy of a production primary. Null means the source
 * has none (or the cloud did not say), and the restore leaves that setting to the cloud.
 */
export interface RestoreSettings {
  multiAz: boolean;
  instanceClass: string;
  dbSubnetGroupName: string | null;
  vpcSecurityGroupIds: string[];
  dbParameterGroupName: string | null;
  storageType: RdsStorageType | null;
}

export type RestoreSettingName = keyof RestoreSettings;
export type RestoreSettingOverrides = Partial<{ [K in RestoreSettingName]: RestoreSettings[K] | undefined }>;

export const RESTORE_SETTING_NAMES: readonly RestoreSettingName[] = [
  "multiAz",
  "instanceClass",
  "dbSubnetGroupName",
  "vpcSecurityGroupIds",
  "dbParameterGroupName",
  "storageType",
];

/**
 * What the verify step does when the created instance differs from the request, per setting.
 * - multiAz: converge. ModifyDBInstance switches it online (no outage) and at once with
 *   ApplyImmediately; it is the difference between a highly available copy and one that is not,
 *   and Single-AZ costs half. moto ignores `MultiAZ=false` on a restore, and converging fixes that too.
 * - instanceClass: converge. The class change restarts the instance, which nobody uses yet;
 *   the class decides both capacity and the bill.
 * - vpcSecurityGroupIds: converge. Applied immediately without an outage; the wrong groups leave
 *   the copy unreachable by the app or reachable by more than it should be.
 * - dbParameterGroupName: converge, with a warning: the association changes at once, but static
 *   parameters take effect only at the next reboot, which this operation does not do.
 * - dbSubnetGroupName: warn. Moving an instance between subnet groups is a network move with an
 *   outage that RDS allows only in some cases (into another VPC); a copy in the wrong network is
 *   better deleted and restored again, which is the operator's call, not a silent move.
 * - storageType: warn. A storage type change starts a storage optimisation that can take hours
 *   and blocks further storage changes for six; the instance works meanwhile, so the operator decides.
 */
export const CONVERGE_BY_MODIFY: ReadonlySet<RestoreSettingName> = new Set([
  "multiAz",
  "instanceClass",
  "vpcSecurityGroupIds",
  "dbParameterGroupName",
]);

/** An RDS instance class such as `db.r6g.large`. */
export const INSTANCE_CLASS = /^db\.[a-z0-9]+\.[a-z0-9]+$/;
/** RDS: letters, digits, periods, underscores, spaces and hyphens, up to 255. */
export const DB_SUBNET_GROUP_NAME = /^[A-Za-z0-9._ -]{1,255}$/;
/** RDS: a letter first, then letters, digits, hyphens (and the periods of default groups), up to 255. */
export const DB_PARAMETER_GROUP_NAME = /^[A-Za-z][A-Za-z0-9.-]{0,254}$/;
export const SECURITY_GROUP_ID = /^sg-[0-9a-f]{8,17}$/;
/** RDS's adjustable quota of VPC security groups per DB instance tops out at 16. */
export const MAX_SECURITY_GROUPS = 16;

const isStorageType = (value: unknown): value is RdsStorageType =>
  typeof value === "string" && (RDS_STORAGE_TYPES as readonly string[]).includes(value);

/** The source's settings, each replaced by the request's where it names one. */
export function resolveRestoreSettings(
  source: DbInstanceState,
  overrides: RestoreSettingOverrides,
): { settings: RestoreSettings; plan: Record<RestoreSettingName, PlanSetting> } {
  const fromSource: RestoreSettings = {
    multiAz: source.multiAz,
    instanceClass: source.instanceClass,
    dbSubnetGroupName: source.dbSubnetGroupName,
    vpcSecurityGroupIds: [...source.vpcSecurityGroupIds],
    dbParameterGroupName: source.dbParameterGroupName,
    storageType: isStorageType(source.storageType) ? source.storageType : null,
  };
  const settings = { ...fromSource };
  const plan = {} as Record<RestoreSettingName, PlanSetting>;
  for (const name of RESTORE_SETTING_NAMES) {
    const asked = overrides[name];
    if (asked !== undefined) (settings as Record<RestoreSettingName, unknown>)[name] = asked;
    plan[name] = { value: settings[name], from: asked === undefined ? "source" : "request" };
  }
  return { settings, plan };
}

/**
 * The settings as the plan recorded them, or null when the plan has none (an operation planned
 * before plans listed them) or they do not read back as settings.
 */
export function settingsFromPlan(planSettings: Record<string, PlanSetting> | undefined): RestoreSettings | null {
  if (!planSettings) return null;
  const value = (name: RestoreSettingName) => planSettings[name]?.value;
  const orNullString = (v: unknown) => (v === null || typeof v === "string" ? v : undefined);
  const multiAz = value("multiAz");
  const instanceClass = value("instanceClass");
  const dbSubnetGroupName = orNullString(value("dbSubnetGroupName"));
  const groups = value("vpcSecurityGroupIds");
  const dbParameterGroupName = orNullString(value("dbParameterGroupName"));
  const storageType = value("storageType");
  if (
    typeof multiAz !== "boolean" ||
    typeof instanceClass !== "string" ||
    dbSubnetGroupName === undefined ||
    !Array.isArray(groups) ||
    !groups.every((id) => typeof id === "string") ||
    dbParameterGroupName === undefined ||
    !(storageType === null || isStorageType(storageType))
  ) {
    return null;
  }
  return { multiAz, instanceClass, dbSubnetGroupName, vpcSecurityGroupIds: groups, dbParameterGroupName, storageType };
}

export interface SettingDifference {
  setting: RestoreSettingName;
  requested: unknown;
  actual: unknown;
}

const sameGroups = (a: readonly string[], b: readonly string[]) =>
  a.length === b.length && [...a].sort().join() === [...b].sort().join();

/** Where the instance differs from what was asked; a setting left to the cloud (null) cannot differ. */
export function differencesFrom(requested: RestoreSettings, instance: DbInstanceState): SettingDifference[] {
  const actual: Record<RestoreSettingName, unknown> = {
    multiAz: instance.multiAz,
    instanceClass: instance.instanceClass,
    dbSubnetGroupName: instance.dbSubnetGroupName,
    vpcSecurityGroupIds: instance.vpcSecurityGroupIds,
    dbParameterGroupName: instance.dbParameterGroupName,
    storageType: instance.storageType,
  };
  return RESTORE_SETTING_NAMES.filter((name) => {
    const wanted = requested[name];
    if (wanted === null) return false;
    if (name === "vpcSecurityGroupIds") {
      return (
        requested.vpcSecurityGroupIds.length > 0 &&
        !sameGroups(requested.vpcSecurityGroupIds, instance.vpcSecurityGroupIds)
      );
    }
    return actual[name] !== wanted;
  }).map((setting) => ({ setting, requested: requested[setting], actual: actual[setting] }));
}

/** The ModifyDBInstance request that converges the given differences. */
export function modificationFor(requested: RestoreSettings, differences: SettingDifference[]): DbInstanceModification {
  const modification: DbInstanceModification = {};
  for (const { setting } of differences) {
    if (setting === "multiAz") modification.multiAz = requested.multiAz;
    if (setting === "instanceClass") modification.instanceClass = requested.instanceClass;
    if (setting === "vpcSecurityGroupIds") modification.vpcSecurityGroupIds = [...requested.vpcSecurityGroupIds];
    if (setting === "dbParameterGroupName" && requested.dbParameterGroupName !== null) {
      modification.dbParameterGroupName = requested.dbParameterGroupName;
    }
  }
  return modification;
}

export const describeSettingValue = (value: unknown) =>
  Array.isArray(value) ? `[${value.join(", ")}]` : value === null ? "none" : String(value);
