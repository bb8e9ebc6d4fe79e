import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { mkdir, readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import path from "node:path";
import { type Browser, type BrowserContext, chromium, type Page } from "playwright-core";

/** Debian's Chromium (`apt-get install -y chromium`, as .ci/run does); no browser is ever downloaded. */
export const CHROMIUM_PATH = "/usr/bin/chromium";
/** Where the browser tests leave their screenshots (gitignored). */
export const ARTIFACTS_DIR = path.resolve("test-artifacts/dashboard");

export const DESKTOP = { width: 1280, height: 900 };
export const PHONE = { width: 390, height: 844 };

/** Headless Chromium, or a clear failure that says how to install it (never a skip). */
export async function launchChromium(): Promise<Browser> {
  assert.ok(
    existsSync(CHROMIUM_PATH),
    `Chromium is not installed at ${CHROMIUM_PATH}: run \`apt-get update && apt-get install -y chromium\` (as .ci/run does)`,
  );
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    // As root, and with no network but loopback: no sandbox, no GPU, nothing fetched in the background.
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
}

/**
 * A fresh browser profile (its own sessionStorage) that records every
 * Content-Security-Policy refusal and uncaught page error, so a test can assert there were none.
 */
export async function newDashboardContext(browser: Browser, viewport = DESKTOP) {
  const context = await browser.newContext({ viewport });
  // Waits for what a person would see; generous for a loaded 2-core machine, short enough to fail clearly.
  context.setDefaultTimeout(20_000);
  const problems: string[] = [];
  context.on("console", (message) => {
    if (/Content Security Policy|Refused to/i.test(message.text())) problems.push(`CSP: ${message.text()}`);
  });
  context.on("weberror", (error) => problems.push(`page error: ${error.error().message}`));
  return { context, problems };
}

/** Signs in through the form, as a person pastes a key, and waits for the overview. */
export async function signIn(page: Page, baseUrl: string, key: string): Promise<void> {
  await page.goto(`${baseUrl}/`);
  await page.getByLabel("API key").fill(key);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByRole("heading", { level: 1, name: "Overview" }).waitFor();
}

/** Waits until the page has its content: its title heading, and no "Loading …" left. */
export async function settled(page: Page): Promise<void> {
  await page.locator("main h1").first().waitFor();
  await page.waitForFunction(
    () => !(globalThis as unknown as PageGlobals).document.querySelector('[role="status"].state'),
  );
}

const require = createRequire(import.meta.url);

/**
 * axe-core's serious and critical violations on the page. The script is
 * evaluated through the DevTools protocol: `addScriptTag` would add an inline
 * script, which the dashboard's Content-Security-Policy rightly refuses.
 */
export async function seriousAccessibilityViolations(page: Page): Promise<string[]> {
  const source = await readFile(require.resolve("axe-core/axe.min.js"), "utf8");
  await page.evaluate(`${source}\n;undefined`);
  const violations = await page.evaluate(async () => {
    const { axe } = globalThis as unknown as PageGlobals;
    const result = await axe.run();
    return result.violations.map((violation) => ({
      id: violation.id,
      impact: violation.impact,
      help: violation.help,
      targets: violation.nodes.slice(0, 3).map((node) => node.target.join(" ")),
    }));
  });
  return violations
    .filter((violation) => violation.impact === "serious" || violation.impact === "critical")
    .map((violation) => `${violation.impact} ${violation.id} (${violation.help}) at ${violation.targets.join(", ")}`);
}

/** The page's globals these helpers read: the test program is typed for Node, without the DOM's types. */
interface PageGlobals {
  document: { querySelector(selector: string): unknown; documentElement: { scrollWidth: number } };
  innerWidth: number;
  sessionStorage: { length: number };
  axe: { run(): Promise<{ violations: AxeViolation[] }> };
}

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[] }[];
}

export async function screenshot(page: Page, name: string, file?: string): Promise<void> {
  await mkdir(ARTIFACTS_DIR, { recursive: true });
  await page.screenshot({ path: file ?? path.join(ARTIFACTS_DIR, `${name}.png`), fullPage: true });
}

/** The page fits the viewport's width: nothing but tables (in their own scroll box) is wider. */
export async function overflowsHorizontally(page: Page): Promise<boolean> {
  return page.evaluate(() => {
    const { document, innerWidth } = globalThis as unknown as PageGlobals;
    return document.documentElement.scrollWidth > innerWidth + 1;
  });
}

/** How many entries the tab's sessionStorage holds (the dashboard keeps the API key there, and nothing else). */
export function sessionStorageEntries(page: Page): Promise<number> {
  return page.evaluate(() => (globalThis as unknown as PageGlobals).sessionStorage.length);
}

export type { Browser, BrowserContext, Page };
