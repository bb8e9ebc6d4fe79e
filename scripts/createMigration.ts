// npm run db:migration -- <name>
// Writes the next migration from the change to prisma/schema.prisma since the last one.
import { loadConfig } from "@fastier/config";
import { createMigration, locateDatabase } from "@fastier/db";

const name = process.argv[2];
if (!name) {
  console.error("usage: npm run db:migration -- <name>   (lower-case letters, digits and _)");
  process.exit(2);
}

const config = loadConfig();
const database = await locateDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
try {
  const file = await createMigration({
    databaseUrl: database.url,
    schemaPath: "prisma/schema.prisma",
    migrationsDir: "prisma/migrations",
    name,
  });
  console.log(
    file
      ? `wrote ${file}; review it and commit it with prisma/migrations/datamodel_at_last_migration.prisma`
      : "prisma/schema.prisma has not changed since the last migration; nothing written",
  );
} catch (error) {
  console.error((error as Error).message);
  process.exitCode = 1;
} finally {
  await database.close();
}
