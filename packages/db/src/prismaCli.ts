import { execFile } from "node:child_process";
import { createRequire } from "node:module";
import path from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);
// Prisma's CLI entry, run with this Node directly (npx would add an npm start-up).
const PRISMA_CLI = path.join(
  path.dirname(createRequire(import.meta.url).resolve("prisma/package.json")),
  "build/index.js",
);

/**
 * Runs `prisma migrate diff ... --script`. With the JavaScript engine Prisma
 * connects through the driver adapter even to diff two datamodels, so a
 * reachable `databaseUrl` is required; nothing is written to it.
 */
export async function diffDatamodels(databaseUrl: string, from: string | "empty", to: string): Promise<string> {
  const fromArgs = from === "empty" ? ["--from-empty"] : ["--from-schema-datamodel", from];
  const { stdout } = await run(
    process.execPath,
    [PRISMA_CLI, "migrate", "diff", ...fromArgs, "--to-schema-datamodel", to, "--script"],
    { env: { ...process.env, DATABASE_URL: databaseUrl }, maxBuffer: 16 * 1024 * 1024 },
  );
  return stdout;
}

export function isEmptyMigration(sql: string): boolean {
  return sql.includes("This is an empty migration") || sql.trim() === "";
}
