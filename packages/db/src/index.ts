export { type DatabaseLocation, ensureDatabase, locateDatabase, withDatabase } from "./databaseLocation.ts";
export { type EmbeddedDatabase, openEmbeddedPostgres } from "./embedded/embeddedPostgres.ts";
export { DEFAULT_MIGRATIONS_DIR, readMigrations, runMigrations } from "./migrations/runMigrations.ts";
export { type MigratedDatabase, openMigratedDatabase } from "./openMigratedDatabase.ts";
export { diffDatamodels, isEmptyMigration } from "./prismaCli.ts";
export { type DatabaseHandle, openDatabaseHandle } from "./prismaClient.ts";
export { createPrismaApiKeyStore } from "./stores/prismaApiKeyStore.ts";
export { createPrismaAuditLog } from "./stores/prismaAuditLog.ts";
export { createPrismaInventoryStore } from "./stores/prismaInventoryStore.ts";
