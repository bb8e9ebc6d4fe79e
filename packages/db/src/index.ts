export { type DatabaseLocation, ensureDatabase, locateDatabase, withDatabase } from "./databaseLocation.ts";
export { type EmbeddedDatabase, openEmbeddedPostgres } from "./embedded/embeddedPostgres.ts";
export { DEFAULT_MIGRATIONS_DIR, readMigrations, runMigrations } from "./migrations/runMigrations.ts";
export { diffDatamodels, isEmptyMigration } from "./prismaCli.ts";
