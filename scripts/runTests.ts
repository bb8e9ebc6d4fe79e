// Runs every test file with Node's test runner against one PostgreSQL server:
// DATABASE_URL's server when set (the role needs CREATEDB), otherwise a
// throwaway embedded server. Migrations are applied once to a template
// database; each suite clones it, so every suite starts clean and fast.
import { spawn } from "node:child_process";
import { mkdtempSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { ensureDatabase, openEmbeddedPostgres, runMigrations, withDatabase } from "@fastier/db";
import pg from "pg";

const TEMPLATE = "fastier_test_template";
const ROOTS = ["packages", "apps", "test", "scripts", "infra"];
const filter = process.argv.slice(2);

function testFiles(): string[] {
  const files: string[] = [];
  for (const root of ROOTS) {
    for (const entry of readdirSync(root, { recursive: true, withFileTypes: true })) {
      const full = path.join(entry.parentPath, entry.name);
      if (!entry.isFile() || !entry.name.endsWith(".test.ts") || /node_modules|cdk\.out/.test(full)) continue;
      if (filter.length === 0 || filter.some((f) => full.includes(f))) files.push(full);
    }
  }
  return files.sort();
}

async function prepareTemplate(serverUrl: string): Promise<void> {
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${TEMPLATE} WITH (FORCE)`);
  await admin.end();
  const url = await ensureDatabase(serverUrl, TEMPLATE);
  await runMigrations(url);
}

const server = process.env.DATABASE_URL
  ? { serverUrl: withDatabase(process.env.DATABASE_URL, "postgres"), stop: async () => {} }
  : await openEmbeddedPostgres({ dataDir: mkdtempSync(path.join(tmpdir(), "fastier-test-pg-")), throwaway: true });

let exitCode = 1;
try {
  await prepareTemplate(server.serverUrl);
  const files = testFiles();
  if (files.length === 0) throw new Error(`no test files match ${filter.join(" ")}`);
  exitCode = await new Promise<number>((resolve) => {
    const child = spawn(
      process.execPath,
      ["--import", "tsx", "--test", "--test-concurrency=2", "--test-reporter=spec", ...files],
      {
        stdio: "inherit",
        env: { ...process.env, TEST_SERVER_URL: server.serverUrl, TEST_TEMPLATE_DATABASE: TEMPLATE },
      },
    );
    child.on("exit", (code, signal) => resolve(code ?? (signal ? 1 : 0)));
  });
} finally {
  await server.stop();
}
process.exit(exitCode);
