import { PrismaPg } from "@prisma/adapter-pg";
import { defineConfig } from "prisma/config";

// The schema engine binary cannot be downloaded offline, so the CLI runs on
// Prisma's JavaScript engine with the pg driver adapter. The schema reads
// env("DATABASE_URL"), and the CLI refuses to parse it while that is unset,
// even for commands that never connect (generate, migrate diff): a placeholder
// keeps those working without configuration.
process.env.DATABASE_URL ??= "postgresql://localhost:5432/unused";

export default defineConfig({
  schema: "prisma/schema.prisma",
  migrations: { path: "prisma/migrations" },
  engine: "js",
  experimental: { adapter: true },
  async adapter() {
    return new PrismaPg({ connectionString: process.env.DATABASE_URL });
  },
});
