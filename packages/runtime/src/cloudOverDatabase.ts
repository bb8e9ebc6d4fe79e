import { type Cloud, createCloud } from "@fastier/cloud";
import type { Config } from "@fastier/config";
import type { DatabaseHandle } from "@fastier/db";

/** An opened database with the configured cloud over it (the simulator keeps its world there). */
export interface RuntimeOver<Database extends DatabaseHandle> {
  database: Database;
  cloud: Cloud;
  close(): Promise<void>;
}

/** Adds the configured cloud to an opened database; closes the database if the cloud cannot be made. */
export async function withCloud<Database extends DatabaseHandle>(
  config: Config,
  database: Database,
): Promise<RuntimeOver<Database>> {
  try {
    const cloud = await createCloud(config.cloud, database);
    return { database, cloud, close: () => database.close() };
  } catch (error) {
    await database.close();
    throw error;
  }
}
