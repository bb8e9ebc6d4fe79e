import { FASTIER_DB_PLACEMENT } from "./fastierSeed.ts";
import { initialBlueGreen } from "./simBlueGreenState.ts";
import { defaultParameterGroupOf, RESTORE_DEFAULTS } from "./simDatabases.ts";
import { fastierEnvironmentConfig, firstLaunchTemplate } from "./simLaunchTemplates.ts";
import { SIM_STATE_SCHEMA, type SimAutoScalingGroup, type SimDbInstance, type SimWorld } from "./simState.ts";

/** Fields format 5 added to a group: its launch template's versions and refreshes. */
type LaunchTemplateFields =
  | "launchTemplateId"
  | "launchTemplateVersion"
  | "launchTemplateVersions"
  | "instanceRefreshes"
  | "replacement";

/** A world stored before blue/green deploys: one environment, no templates, no clones. */
type SchemaFiveWorld = Omit<SimWorld, "schema" | "blueGreen"> & { schema: 5 };

/** A world stored before instance-type changes: no launch template versions, no environment configuration. */
type SchemaFourWorld = Omit<SchemaFiveWorld, "schema" | "groups" | "environmentConfig"> & {
  schema: 4;
  groups: Omit<SimAutoScalingGroup, LaunchTemplateFields>[];
};

/** A world stored before automated backups could be replicated to other regions. */
type SchemaThreeWorld = Omit<SchemaFourWorld, "schema" | "replicatedBackups"> & { schema: 3 };

/** A world stored before groups kept their scaling policies. */
type SchemaTwoWorld = Omit<SchemaThreeWorld, "schema" | "groups"> & {
  schema: 2;
  groups: Omit<SimAutoScalingGroup, "scalingPolicies" | LaunchTemplateFields>[];
};

/** A world stored before databases had a subnet group, security groups, a parameter group and a storage type. */
type SchemaOneWorld = Omit<SchemaTwoWorld, "schema" | "databases"> & {
  schema: 1;
  databases: Omit<
    SimDbInstance,
    "storageType" | "dbSubnetGroupName" | "vpcSecurityGroupIds" | "dbParameterGroupName"
  >[];
};

type StoredWorld = SimWorld | SchemaFiveWorld | SchemaFourWorld | SchemaThreeWorld | SchemaTwoWorld | SchemaOneWorld;

/**
 * Reads a world stored by an earlier version in today's format, so a running simulation
 * survives an upgrade. Format 1 → 2: seeded databases get Fastier's placement, restored ones
 * what RDS gives a restore that names none. Format 2 → 3: groups have no scaling policies
 * (the simulator stored none before). Format 3 → 4: no backups are replicated to other regions.
 * Format 4 → 5: each group has launched from version 1 of its launch template with its current
 * type, no refresh has run, and the Beanstalk environment is Ready with the type of the group it
 * owns. Format 5 → 6: the live environment is the only one, on its own CNAME, with no
 * configuration templates saved. Other formats are returned as stored.
 */
export function upgradeSimWorld(stored: StoredWorld): SimWorld {
  if (stored.schema === 1) {
    return upgradeFromFive(upgradeFromFour(upgradeFromThree(upgradeFromTwo(upgradeFromOne(stored)))));
  }
  if (stored.schema === 2) return upgradeFromFive(upgradeFromFour(upgradeFromThree(upgradeFromTwo(stored))));
  if (stored.schema === 3) return upgradeFromFive(upgradeFromFour(upgradeFromThree(stored)));
  if (stored.schema === 4) return upgradeFromFive(upgradeFromFour(stored));
  if (stored.schema === 5) return upgradeFromFive(stored);
  return stored as SimWorld;
}

function upgradeFromFive(stored: SchemaFiveWorld): SimWorld {
  return {
    ...structuredClone(stored),
    schema: SIM_STATE_SCHEMA,
    blueGreen: initialBlueGreen(stored.beanstalkEnvironment, stored.region),
  };
}

function upgradeFromFour(stored: SchemaFourWorld): SchemaFiveWorld {
  const owned = stored.groups.find((group) => group.parentCloudId === stored.beanstalkEnvironment.cloudId);
  return {
    ...structuredClone(stored),
    schema: 5,
    environmentConfig: fastierEnvironmentConfig(owned?.instanceType ?? "t3.medium"),
    groups: stored.groups.map((group) => ({
      ...structuredClone(group),
      ...firstLaunchTemplate(stored.idSalt, group.name, group.instanceType, group.createdAt),
    })),
  };
}

function upgradeFromThree(stored: SchemaThreeWorld): SchemaFourWorld {
  return { ...structuredClone(stored), schema: 4, replicatedBackups: [] };
}

function upgradeFromTwo(stored: SchemaTwoWorld): SchemaThreeWorld {
  return {
    ...structuredClone(stored),
    schema: 3,
    groups: stored.groups.map((group) => ({ ...structuredClone(group), scalingPolicies: [] })),
  };
}

function upgradeFromOne(stored: SchemaOneWorld): SchemaTwoWorld {
  return {
    ...structuredClone(stored),
    schema: 2,
    databases: stored.databases.map((db) => ({
      ...structuredClone(db),
      ...(db.restoredFrom === null
        ? { ...FASTIER_DB_PLACEMENT, vpcSecurityGroupIds: [...FASTIER_DB_PLACEMENT.vpcSecurityGroupIds] }
        : {
            ...RESTORE_DEFAULTS,
            vpcSecurityGroupIds: [...RESTORE_DEFAULTS.vpcSecurityGroupIds],
            dbParameterGroupName: defaultParameterGroupOf(db.engine, db.engineVersion),
          }),
    })),
  };
}
