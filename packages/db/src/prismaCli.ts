import { execFile } from "node:child_process";
import { promisify } from "node:util";

const run = promisify(execFile);

/**
 * Runs `prisma migrate diff ... --script`. With the JavaScript engine Prisma
 * connects through the driver adapter even to diff two datamodels, so a
 * reachable `databaseUrl` is required; nothing is written to it.
 */
export async function diffDatamodels(databaseUrl: string, from: string | "empty", to: string): Promise<string> {
  const fromArgs = from === "empty" ? ["--from-empty"] : ["--from-schema-datamodel", from];
  const { stdout } = await run(
    "npx",
    ["--no-install", "prisma", "migrate", "diff", ...fromArgs, "--to-schema-datamodel", to, "--script"],
    { env: { ...process.env, DATABASE_URL: databaseUrl }, maxBuffer: 16 * 1024 * 1024 },
  );
  return stdout;
}

export function isEmptyMigration(sql: string): boolean {
  return sql.includes("This is an empty migration") || sql.trim() === "";
}
