// npm run bench:dashboard: how soon the dashboard's overview is usable on loopback with a 1,000-resource fleet,
// measured in headless Chromium from navigation to the overview's content on screen. Prints the figures; the
// target (1 s) is reported, not asserted.
import { createManualClock, createSimCloud } from "@fastier/cloud";
import { DEFAULT_RATE_LIMITS } from "@fastier/config";
import { type AuditContext, SYSTEM_ACTOR, syncEnvironment } from "@fastier/core";
import { createInventoryStore, createPrismaApiKeyStore, createPrismaSyncStore, openDatabaseHandle } from "@fastier/db";
import { createSweepRunner } from "@fastier/runtime";
import { buildApp } from "../apps/api/src/app.ts";
import { isDashboardBuilt } from "../apps/api/src/plugins/dashboardSite.ts";
import { LOCAL_DASHBOARD_DIR } from "../apps/api/src/startApi.ts";
import { launchChromium } from "../test/helpers/browser.ts";
import { createKey } from "../test/helpers/testApp.ts";
import { startBenchProcess } from "./benchProcess.ts";
import { SWEEP_AT } from "./measureFleetSweeps.ts";
import { buildFleetWorld, installSimWorld, REGION } from "./sweepFleet.ts";
import { openThrowawayDatabase } from "./throwawayDatabase.ts";

/** 91 groups of 10 instances, their groups and Fastier's two databases: 1,003 resources. */
const FLEET = { groups: 91, instancesPerGroup: 10 };
const LOADS = 9;
const TARGET_MS = 1_000;
const ACCOUNT_ID = "bench-dashboard";
const AUDIT: AuditContext = { actor: { ...SYSTEM_ACTOR, name: "system:bench" }, requestId: null };

const { log, cleanup, finish } = startBenchProcess("bench:dashboard", { deadlineMs: 5 * 60_000 });

async function run(): Promise<boolean> {
  if (!isDashboardBuilt(LOCAL_DASHBOARD_DIR)) throw new Error("the dashboard is not built: run `npm run web:build`");
  const { url } = await openThrowawayDatabase(process.env.DATABASE_URL, cleanup, log);
  const database = openDatabaseHandle({ url, poolMax: 10 });
  cleanup.defer("close the database pool", () => database.close());

  // The fleet, its inventory and one sweep's samples, as a running control plane would hold them.
  const clock = createManualClock(SWEEP_AT);
  await installSimWorld(database.pool, ACCOUNT_ID, buildFleetWorld(SWEEP_AT.getTime(), FLEET, ACCOUNT_ID));
  const cloud = createSimCloud({ pool: database.pool, clock, accountId: ACCOUNT_ID, region: REGION });
  const inventory = createInventoryStore(database);
  const environment = await inventory.createEnvironment({ name: "production", region: REGION }, AUDIT);
  const sync = await syncEnvironment(
    { cloud, inventory, syncs: createPrismaSyncStore(database), now: () => clock.now() },
    environment.id,
    "api",
    AUDIT,
  );
  const sweep = await createSweepRunner({ database, cloud, now: () => clock.now() }).sweepOnce("cli");
  log(`${sync.created} resources synced; sweep ${sweep?.status}: ${sweep?.findingsOpened} findings opened`);
  const { key } = await createKey(createPrismaApiKeyStore(database.prisma), "viewer", "bench");

  const app = await buildApp({
    config: { logLevel: "silent", authCacheSeconds: 10, rateLimit: DEFAULT_RATE_LIMITS },
    database,
    cloud,
    now: () => clock.now(),
    logger: false,
    dashboardDir: LOCAL_DASHBOARD_DIR,
  });
  const baseUrl = await app.listen({ host: "127.0.0.1", port: 0 });
  cleanup.defer("close the API", () => app.close());
  const browser = await launchChromium();
  cleanup.defer("close Chromium", () => browser.close());

  // Each load in a fresh profile (nothing cached), as a signed-in user opening the dashboard in a new tab.
  const timings: { contentMs: number; chartsMs: number }[] = [];
  for (let i = 0; i < LOADS; i += 1) {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    await context.addInitScript((apiKey) => {
      (globalThis as unknown as { sessionStorage: { setItem(k: string, v: string): void } }).sessionStorage.setItem(
        "fastier.apiKey",
        apiKey,
      );
    }, key);
    const page = await context.newPage();
    const started = performance.now();
    await page.goto(`${baseUrl}/`, { waitUntil: "commit" });
    await page.getByRole("heading", { level: 2, name: /production/ }).waitFor();
    await page
      .getByRole("article")
      .getByText(/24 h peak/)
      .first()
      .waitFor();
    const contentMs = performance.now() - started;
    await page
      .getByRole("img", { name: /over 24 hours: latest/ })
      .first()
      .waitFor();
    const chartsMs = performance.now() - started;
    timings.push({ contentMs, chartsMs });
    await context.close();
  }

  const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;
  const content = timings.map((timing) => timing.contentMs);
  const charts = timings.map((timing) => timing.chartsMs);
  const resources = await database.prisma.resource.count();
  console.log(`dashboard overview, ${resources} resources, ${LOADS} loads in fresh Chromium profiles on loopback:`);
  console.log(
    `  overview content visible  median ${median(content).toFixed(0)} ms, max ${Math.max(...content).toFixed(0)} ms` +
      ` (target ${TARGET_MS} ms: ${median(content) <= TARGET_MS ? "met" : "NOT met"})`,
  );
  console.log(
    `  first memory chart drawn  median ${median(charts).toFixed(0)} ms, max ${Math.max(...charts).toFixed(0)} ms`,
  );
  return true;
}

await finish(run);
