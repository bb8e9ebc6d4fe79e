// The dashboard in a real (headless) Chromium, against the real API on the simulator and a real PostgreSQL:
// an operator follows production's memory warning to its relief; roles hide what they may not do; a revoked
// key signs out; every page passes axe-core and fits a phone. Run serially: one browser, one app.
import assert from "node:assert/strict";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { ASG_NAME } from "@fastier/core";
import { createPrismaApiKeyStore } from "@fastier/db";
import { isDashboardBuilt } from "../apps/api/src/plugins/dashboardSite.ts";
import { LOCAL_DASHBOARD_DIR } from "../apps/api/src/startApi.ts";
import {
  type Browser,
  DESKTOP,
  launchChromium,
  newDashboardContext,
  overflowsHorizontally,
  type Page,
  PHONE,
  screenshot,
  seriousAccessibilityViolations,
  sessionStorageEntries,
  settled,
  signIn,
} from "./helpers/browser.ts";
import { reconcilerFor } from "./helpers/reconcile.ts";
import { sweepNow, TO_PEAK_MS } from "./helpers/sweeps.ts";
import { syncedApp, syncFromCloud } from "./helpers/syncedApp.ts";
import { createKey, createTestApp, type TestApp } from "./helpers/testApp.ts";

const FIVE_MINUTES = 5 * 60_000;
/** The docs' screenshot is rewritten only when asked, so a test run changes no tracked file. */
const DOCS_SCREENSHOT =
  process.env.DASHBOARD_DOCS_SCREENSHOT === "1" ? path.resolve("docs/dashboard-overview.png") : null;

describe("the dashboard in Chromium", { timeout: 240_000 }, () => {
  let t: TestApp;
  let groupId: string;
  let envId: string;
  let baseUrl: string;
  let browser: Browser;
  let findingId: string;
  let operationId: string;

  before(async () => {
    assert.ok(
      isDashboardBuilt(LOCAL_DASHBOARD_DIR),
      `the dashboard is not built in ${LOCAL_DASHBOARD_DIR}: run \`npm run web:build\` (npm ci does it)`,
    );
    browser = await launchChromium();
    t = await createTestApp({ dashboardDir: LOCAL_DASHBOARD_DIR });
    ({ groupId, envId } = await syncedApp(t));
    t.clock.advance(TO_PEAK_MS);
    await syncFromCloud(t, envId);
    await sweepNow(t);
    baseUrl = await t.app.listen({ host: "127.0.0.1", port: 0 });
  });
  after(async () => {
    await browser?.close();
    await t?.close();
  });

  it("an operator sees production's memory warning, applies the scale-out after reading its plan, watches it succeed, and sees the finding resolve", async () => {
    const { context, problems } = await newDashboardContext(browser);
    const page = await context.newPage();
    await signIn(page, baseUrl, t.keys.operator);

    const production = page.getByRole("article", { name: /production/ });
    await production.getByText("warning", { exact: true }).waitFor();
    // The group and each of its two instances are over the threshold.
    await assertWarningCount(page, 3);
    await production.getByRole("link", { name: ASG_NAME }).waitFor();
    await production.getByRole("img", { name: new RegExp(`Memory of ${ASG_NAME} over 24 hours: latest`) }).waitFor();
    await screenshot(page, "overview-at-peak", DOCS_SCREENSHOT ?? undefined);

    // Overview → the warning findings → the memory-pressure finding.
    await warningFindingsLink(page, 3).click();
    await page.getByRole("heading", { level: 1, name: "Findings" }).waitFor();
    await page.getByRole("link", { name: new RegExp(`^${ASG_NAME}: memory`) }).click();
    await page.getByRole("heading", { name: "Evidence" }).waitFor();
    findingId = page.url().split("/findings/")[1] ?? "";
    assert.match(findingId, /^[0-9a-f-]{36}$/);

    // Apply opens the plan first; nothing is requested until it is confirmed.
    const scaleOut = page.getByRole("article", { name: new RegExp(`Scale out ${ASG_NAME} to 3 instances`) });
    await scaleOut.getByRole("button", { name: "Apply…" }).click();
    const dialog = page.getByRole("dialog", { name: /Apply: Scale out/ });
    const changes = dialog.getByRole("table", { name: "Changes" });
    const desired = changes.getByRole("row", { name: /desiredCapacity/ });
    await desired.waitFor();
    assert.deepEqual(await desired.getByRole("cell").allTextContents(), ["2", "3"], "desired capacity 2 → 3");
    await dialog
      .getByText(/✓ passed/)
      .first()
      .waitFor();
    await dialog.getByText(/Monthly cost change/).waitFor();
    assert.equal(await t.db.prisma.operation.count(), 0, "reading the plan requested nothing");
    await screenshot(page, "apply-plan");
    await dialog.getByRole("button", { name: "Apply now" }).click();

    // The operation's page follows its events live (the stream), until it has succeeded.
    await page.waitForURL(/\/operations\/[0-9a-f-]{36}$/);
    operationId = page.url().split("/operations/")[1] ?? "";
    await page.getByText("Following live progress…").waitFor();
    const reconciler = reconcilerFor(t);
    await reconciler.tick();
    const stored = await t.db.prisma.operation.findUniqueOrThrow({ where: { id: operationId } });
    assert.equal(stored.status, "RUNNING", "the first step ran and the operation goes on");
    await page
      .locator(".timeline")
      .getByText(/started|scal/i)
      .first()
      .waitFor();
    assert.equal(await page.getByText("Following live progress…").count(), 1, "shown while running, from the stream");
    for (let i = 0; i < 100; i += 1) {
      const { status } = await t.db.prisma.operation.findUniqueOrThrow({ where: { id: operationId } });
      if (status !== "PENDING" && status !== "RUNNING") break;
      t.clock.advance(30_000);
      await reconciler.tick();
    }
    await page.getByRole("heading", { level: 1, name: /scale\s+succeeded/ }).waitFor();
    await page.getByText("Ended: succeeded.").waitFor();
    await screenshot(page, "operation-succeeded");

    // Later sweeps (simulated time) see the relief and resolve the finding.
    await syncFromCloud(t, envId);
    for (let i = 0; i < 12; i += 1) {
      t.clock.advance(FIVE_MINUTES);
      await sweepNow(t);
      const finding = await t.db.prisma.finding.findUniqueOrThrow({ where: { id: findingId } });
      if (finding.status === "RESOLVED") break;
    }
    await page.goto(`${baseUrl}/findings/${findingId}`);
    await page.getByRole("heading", { name: "Evidence" }).waitFor();
    await page.locator(".meta").getByText("resolved", { exact: true }).waitFor();
    await page.getByRole("link", { name: "Overview" }).click();
    await production.getByText("healthy", { exact: true }).waitFor();
    await assertWarningCount(page, 0);
    assert.deepEqual(problems, [], "no CSP refusals or page errors");
    await context.close();
  });

  it("shows a viewer no apply, cancel or approve button; an operator no promote or restore; an admin both", async () => {
    // Scale needs a second person from now on; an operator asks, and the request waits.
    await put(`/v1/environments/${envId}/approval-policy`, { kinds: ["scale"], expiresAfterMinutes: 60 });
    const requested = await t.app.inject({
      method: "POST",
      url: `/v1/resources/${groupId}/scale`,
      headers: t.auth("operator"),
      payload: { desiredCapacity: 4 },
    });
    assert.equal(requested.statusCode, 202, requested.body);
    const waiting = requested.json().id as string;
    const replica = await t.db.prisma.resource.findFirstOrThrow({ where: { kind: "DB_INSTANCE", dbRole: "REPLICA" } });

    const buttonsOn = async (page: Page, route: string, names: RegExp) => {
      await page.goto(`${baseUrl}${route}`);
      await settled(page);
      return page.getByRole("button", { name: names }).count();
    };
    const asRole = async (role: "viewer" | "operator" | "admin") => {
      const { context, problems } = await newDashboardContext(browser);
      const page = await context.newPage();
      await signIn(page, baseUrl, t.keys[role]);
      return { page, context, problems };
    };

    const viewer = await asRole("viewer");
    assert.equal(await buttonsOn(viewer.page, `/operations/${waiting}`, /Approve|Reject|Cancel/), 0);
    await viewer.page.getByRole("heading", { level: 1, name: /scale\s+awaiting approval/ }).waitFor();
    assert.equal(await buttonsOn(viewer.page, "/recommendations?status=any", /Apply|Dismiss/), 0);
    assert.equal(await buttonsOn(viewer.page, `/resources/${replica.id}`, /Promote|Restore/), 0);
    await screenshot(viewer.page, "viewer-resource");

    const operator = await asRole("operator");
    assert.equal(
      await buttonsOn(operator.page, `/operations/${waiting}`, /Approve|Reject/),
      0,
      "the requester cannot approve their own operation",
    );
    assert.equal(await operator.page.getByRole("button", { name: "Cancel operation" }).count(), 1);
    assert.equal(await buttonsOn(operator.page, `/resources/${replica.id}`, /Promote|Restore/), 0);

    const admin = await asRole("admin");
    assert.equal(await buttonsOn(admin.page, `/operations/${waiting}`, /^(Approve…|Reject…)$/), 2);
    assert.equal(
      await buttonsOn(admin.page, `/resources/${replica.id}`, /^(Promote replica…|Restore to a point in time…)$/),
      2,
    );

    // The admin promotes only after reading the plan (a dry run: nothing requested).
    await admin.page.getByRole("button", { name: "Promote replica…" }).click();
    const promote = admin.page.getByRole("dialog", { name: /Promote/ });
    await promote.locator(".plan-summary").waitFor();
    await promote.getByRole("button", { name: "Close" }).click();
    assert.equal(await t.db.prisma.operation.count({ where: { kind: "PROMOTE_REPLICA" } }), 0);

    // The admin approves the operator's request from its page.
    await buttonsOn(admin.page, `/operations/${waiting}`, /Approve/);
    await admin.page.getByRole("button", { name: "Approve…" }).click();
    const approve = admin.page.getByRole("dialog", { name: /Approve/ });
    await approve.getByLabel(/Reason/).fill("peak traffic, agreed");
    await approve.getByRole("button", { name: "Approve" }).click();
    await admin.page.getByRole("heading", { level: 1, name: /scale\s+(pending|running)/ }).waitFor();
    const decided = await t.db.prisma.operation.findUniqueOrThrow({ where: { id: waiting } });
    assert.equal(decided.status, "PENDING");

    for (const session of [viewer, operator, admin]) {
      assert.deepEqual(session.problems, []);
      await session.context.close();
    }
    await put(`/v1/environments/${envId}/approval-policy`, { kinds: [], expiresAfterMinutes: 60 });
  });

  it("signs out when the key is revoked, with a clear message, and forgets the key", async () => {
    const { key, id } = await createKey(createPrismaApiKeyStore(t.db.prisma), "operator", "soon-revoked");
    const { context } = await newDashboardContext(browser);
    const page = await context.newPage();
    await signIn(page, baseUrl, key);
    // Everything the overview asks for has been answered: the next request is the one the test makes.
    await page
      .getByRole("img", { name: /over 24 hours: latest/ })
      .first()
      .waitFor();
    assert.equal(await sessionStorageEntries(page), 1, "the key is kept in this tab only");
    assert.ok(!page.url().includes(key), "never in the address");

    const revoked = await t.app.inject({ method: "DELETE", url: `/v1/api-keys/${id}`, headers: t.auth("admin") });
    assert.equal(revoked.statusCode, 200, revoked.body);
    // From the keyboard: the click's own checks would race the sign-out it causes.
    await page.getByRole("link", { name: "Findings" }).focus();
    await page.keyboard.press("Enter");
    await page
      .getByRole("alert")
      .getByText(/no longer valid/)
      .waitFor();
    await page.getByLabel("API key").waitFor();
    assert.equal(await sessionStorageEntries(page), 0, "the revoked key is forgotten");
    await screenshot(page, "signed-out-revoked");

    // Signing out by hand forgets the key too.
    await signIn(page, baseUrl, t.keys.viewer);
    await page.getByRole("button", { name: "Sign out" }).click();
    await page.getByLabel("API key").waitFor();
    assert.equal(await sessionStorageEntries(page), 0);
    await context.close();
  });

  it("keeps filters in the address, and shows the API's problem detail when something is missing", async () => {
    const { context, problems } = await newDashboardContext(browser);
    const page = await context.newPage();
    await signIn(page, baseUrl, t.keys.viewer);
    await page.getByRole("link", { name: "Inventory" }).click();
    await settled(page);
    await page.getByLabel("Kind").selectOption("db_instance");
    await page.waitForURL(/\/inventory\?kind=db_instance$/);
    // The unfiltered page lists the replica too: first wait for every other kind to leave the table.
    const notDatabase = page
      .locator("tbody tr")
      .filter({ hasNot: page.locator("td:nth-child(2)", { hasText: "db instance" }) });
    await notDatabase.first().waitFor({ state: "detached" });
    await page.getByRole("link", { name: "fastier-db-replica" }).waitFor();
    const kinds = await page.locator("tbody tr td:nth-child(2)").allTextContents();
    assert.ok(kinds.length >= 2, kinds.join());
    assert.deepEqual(new Set(kinds), new Set(["db instance"]));
    // The address alone brings the same view back (a bookmark, a reload).
    await page.reload();
    await page.getByRole("link", { name: "fastier-db-replica" }).waitFor();
    assert.equal(await page.getByLabel("Kind").inputValue(), "db_instance");

    const missing = "00000000-0000-4000-8000-000000000000";
    await page.goto(`${baseUrl}/operations/${missing}`);
    await page.getByRole("alert").getByText(`operation ${missing} does not exist`).waitFor();
    await page.getByRole("button", { name: "Try again" }).waitFor();
    assert.deepEqual(problems, []);
    await context.close();
  });

  it("passes axe-core (no serious or critical violations) on every page, at 1280 px and at 390 px", async () => {
    const routes: Record<string, string> = {
      overview: "/",
      resource: `/resources/${groupId}`,
      findings: "/findings?status=any",
      finding: `/findings/${findingId}`,
      recommendations: "/recommendations?status=any",
      operations: "/operations",
      operation: `/operations/${operationId}`,
      inventory: "/inventory",
      dr: "/dr",
      activity: "/activity",
      audit: "/audit",
    };
    for (const [width, viewport] of [
      ["desktop", DESKTOP],
      ["phone", PHONE],
    ] as const) {
      const { context, problems } = await newDashboardContext(browser, viewport);
      const page = await context.newPage();
      await signIn(page, baseUrl, t.keys.admin);
      for (const [name, route] of Object.entries(routes)) {
        await page.goto(`${baseUrl}${route}`);
        await settled(page);
        await screenshot(page, `${name}-${width}`);
        assert.equal(await page.getByRole("alert").count(), 0, `${name}: no error shown`);
        assert.deepEqual(await seriousAccessibilityViolations(page), [], `${name} (${width})`);
        assert.equal(await overflowsHorizontally(page), false, `${name} fits ${viewport.width} px`);
      }
      assert.deepEqual(problems, []);
      await context.close();
    }
  });

  /** The overview's count of production's open warning findings, a link to them. */
  function warningFindingsLink(page: Page, count: number) {
    return page
      .getByRole("article", { name: /production/ })
      .locator("dl.figures > div", { hasText: "warning findings" })
      .getByRole("link", { name: String(count), exact: true });
  }

  async function assertWarningCount(page: Page, count: number) {
    await warningFindingsLink(page, count).waitFor();
  }

  async function put(url: string, payload: object) {
    const response = await t.app.inject({ method: "PUT", url, headers: t.auth("admin"), payload });
    assert.equal(response.statusCode, 200, response.body);
  }
});
