// npm run db:migrate: applies pending migrations to DATABASE_URL or the embedded database.
import { withCliDatabase } from "./cliDatabase.ts";

const applied = await withCliDatabase(async (database) => database.migrationsApplied);
console.log(applied.length > 0 ? `applied ${applied.join(", ")}` : "the database is up to date");
