import { FASTIER_DB_PLACEMENT } from "./fastierSeed.ts";
import { defaultParameterGroupOf, RESTORE_DEFAULTS } from "./simDatabases.ts";
import { SIM_STATE_SCHEMA, type SimDbInstance, type SimWorld } from "./simState.ts";

/** A world stored before databases had a subnet group, security groups, a parameter group and a storage type. */
type SchemaOneWorld = Omit<SimWorld, "schema" | "databases"> & {
  schema: 1;
  databases: Omit<
    SimDbInstance,
    "storageType" | "dbSubnetGroupName" | "vpcSecurityGroupIds" | "dbParameterGroupName"
  >[];
};

/**
 * Reads a world stored by an earlier version in today's format, so a running simulation
 * survives an upgrade. Format 1 → 2: seeded databases get Fastier's placement, restored ones
 * what RDS gives a restore that names none. Other formats are returned as stored.
 */
export function upgradeSimWorld(stored: SimWorld | SchemaOneWorld): SimWorld {
  if (stored.schema !== 1) return stored as SimWorld;
  return {
    ...structuredClone(stored),
    schema: SIM_STATE_SCHEMA,
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
