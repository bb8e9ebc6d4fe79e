import { FASTIER_DB_PLACEMENT } from "./fastierSeed.ts";
import { cnameOf, SEEDED_VERSIONS, type SimBlueGreen, seededVersionDeploys } from "./simBlueGreenState.ts";
import { defaultParameterGroupOf, RESTORE_DEFAULTS } from "./simDatabases.ts";
import { fastierEnvironmentConfig, firstLaunchTemplate } from "./simLaunchTemplates.ts";
import { SIM_STATE_SCHEMA, type SimAutoScalingGroup, type SimDbInstance, type SimWorld } from "./simState.ts";
import { DAY, toIso, toMs } from "./simTime.ts";

/** Fields format 5 added to a group: its launch template's versions and refreshes. */
type LaunchTemplateFields =
  | "launchTemplateId"
  | "launchTemplateVersion"
  | "launchTemplateVersions"
  | "instanceRefreshes"
  | "replacement";

/** A world stored before version deploys and per-environment traffic: one version for the live environment, no swap times. */
type SchemaSixWorld = Omit<SimWorld, "schema" | "blueGreen"> & {
  schema: 6;
  blueGreen: Omit<SimBlueGreen, "liveHolders" | "versionDeploys"> & { liveVersionLabel: string };
};

/** A world stored before blue/green deploys: one environment, no templates, no clones. */
type SchemaFiveWorld = Omit<SchemaSixWorld, "schema" | "blueGreen"> & { schema: 5 };

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

type StoredWorld =
  | SimWorld
  | SchemaSixWorld
  | SchemaFiveWorld
  | SchemaFourWorld
  | SchemaThreeWorld
  | SchemaTwoWorld
  | SchemaOneWorld;

/**
 * Reads a world stored by an earlier version in today's format, so a running simulation
 * survives an upgrade. Format 1 → 2: seeded databases get Fastier's placement, restored ones
 * what RDS gives a restore that names none. Format 2 → 3: groups have no scaling policies
 * (the simulator stored none before). Format 3 → 4: no backups are replicated to other regions.
 * Format 4 → 5: each group has launched from version 1 of its launch template with its current
 * type, no refresh has run, and the Beanstalk environment is Ready with the type of the group it
 * owns. Format 5 → 6: the live environment is the only one, on its own CNAME, with no
 * configuration templates saved. Format 6 → 7: the live environment has run its version since two
 * days before the world was seeded (after the seeded previous release), each clone its creation
 * version since it was created, and whoever holds the live CNAME took it when it became Ready
 * (the swap's own time was not kept). Other formats are returned as stored.
 */
export function upgradeSimWorld(stored: StoredWorld): SimWorld {
  if (stored.schema === 1) {
    return upgradeFromSix(upgradeFromFive(upgradeFromFour(upgradeFromThree(upgradeFromTwo(upgradeFromOne(stored))))));
  }
  if (stored.schema === 2) {
    return upgradeFromSix(upgradeFromFive(upgradeFromFour(upgradeFromThree(upgradeFromTwo(stored)))));
  }
  if (stored.schema === 3) return upgradeFromSix(upgradeFromFive(upgradeFromFour(upgradeFromThree(stored))));
  if (stored.schema === 4) return upgradeFromSix(upgradeFromFive(upgradeFromFour(stored)));
  if (stored.schema === 5) return upgradeFromSix(upgradeFromFive(stored));
  if (stored.schema === 6) return upgradeFromSix(stored);
  return stored as SimWorld;
}

function upgradeFromSix(stored: SchemaSixWorld): SimWorld {
  const { liveVersionLabel, ...blueGreen } = structuredClone(stored.blueGreen);
  const live = stored.beanstalkEnvironment;
  const liveCname = blueGreen.cnames[live.cloudId] ?? null;
  const holder = blueGreen.clones.find((clone) => blueGreen.cnames[clone.environmentId] === live.attributes.cname);
  return {
    ...structuredClone(stored),
    schema: SIM_STATE_SCHEMA,
    blueGreen: {
      ...blueGreen,
      applicationVersions: [
        ...new Set([SEEDED_VERSIONS.previous, ...blueGreen.applicationVersions, ...SEEDED_VERSIONS.others]),
      ],
      liveHolders: [
        ...(liveCname === null ? [] : initialHolder(stored.seededAt, live.cloudId)),
        ...(holder ? [{ at: holder.readyAt, environmentId: holder.environmentId }] : []),
      ],
      versionDeploys: [
        ...seededVersionDeploys(live.cloudId, stored.seededAt, liveVersionLabel),
        ...blueGreen.clones.map((clone) => ({
          environmentId: clone.environmentId,
          versionLabel: clone.versionLabel,
          startedAt: clone.createdAt,
          readyAt: clone.readyAt,
        })),
      ],
    },
  };
}

const initialHolder = (seededAt: string, environmentId: string) => [
  { at: toIso(toMs(seededAt) - 30 * DAY), environmentId },
];

function upgradeFromFive(stored: SchemaFiveWorld): SchemaSixWorld {
  const live = stored.beanstalkEnvironment;
  const cname = typeof live.attributes.cname === "string" ? live.attributes.cname : cnameOf(live.name, stored.region);
  return {
    ...structuredClone(stored),
    schema: 6,
    blueGreen: {
      applicationVersions: ["fastier-web-v41", "fastier-web-v42", "fastier-web-v43", "faulty-fastier-web-v44"],
      liveVersionLabel: "fastier-web-v41",
      configurationTemplates: [],
      clones: [],
      cnames: { [live.cloudId]: cname },
      terminations: {},
    },
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
